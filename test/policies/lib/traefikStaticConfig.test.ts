import {
    isOn,
    staticConfigFromArguments,
    staticConfigFromEnvironment,
    staticConfigFromFile,
    traefikEntrypointPorts,
} from "../../../policies/lib/traefikStaticConfig";

describe("staticConfigFromArguments", () => {
    it.each([
        [["--api.insecure"], true],
        [["--api.insecure=true"], true],
        [["--Api.Insecure=TRUE"], true],
        [["--api.insecure", "true"], true],
        [["--api.insecure=1"], true],
        [["--api.insecure=false"], false],
        [["--api.insecure", "false"], false],
    ])("%j → insecure %s", (words, insecure) => {
        expect(isOn(staticConfigFromArguments(words, "command"), "api.insecure")).toBe(insecure);
    });
});

describe("staticConfigFromEnvironment", () => {
    it("maps TRAEFIK_ENTRYPOINTS_TRAEFIK_ADDRESS to entrypoints.traefik.address", () => {
        const config = staticConfigFromEnvironment(
            new Map([["TRAEFIK_ENTRYPOINTS_TRAEFIK_ADDRESS", ":9001"]]),
            "envs",
        );

        expect(traefikEntrypointPorts(config)).toEqual([9001]);
    });
});

describe("staticConfigFromFile", () => {
    it("reads YAML and TOML nesting", () => {
        const yaml = staticConfigFromFile("api:\n  insecure: true # demo\n", "traefik.yml");
        const toml = staticConfigFromFile('[entryPoints.web]\n  address = ":8080"\n', "t.toml");

        expect(isOn(yaml, "api.insecure")).toBe(true);
        expect(traefikEntrypointPorts(toml)).toEqual([9000]);
    });
});
