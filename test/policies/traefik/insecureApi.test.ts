import { traefikApiInsecureModeOff } from "../../../policies/traefik/insecureApi";
import { deployment, dockerContainer, helmRelease } from "../fixtures";
import { levelsOf, TestResource } from "../harness";

const policy = traefikApiInsecureModeOff;

function traefikWith(command: string[]): TestResource {
    return dockerContainer("edge-proxy", { image: "traefik:v3.4", command });
}

const levels = (resource: TestResource) => levelsOf(policy, resource);

describe("traefik-api-insecure-mode-off", () => {
    it.each([
        [["--api.insecure"]],
        [["--api.insecure=true"]],
        [["--API.Insecure=TRUE"]],
        [["--api.insecure", "true"]],
        [["-api.insecure"]],
        [["/bin/sh", "-c", "traefik --providers.docker --api.insecure"]],
    ])("container command %j → blocked", async (command) => {
        expect(await levels(traefikWith(command))).toEqual(["mandatory"]);
    });

    it("docker envs TRAEFIK_API_INSECURE=true → blocked", async () => {
        const proxy = dockerContainer("proxy", {
            image: "traefik:v3.4",
            envs: ["TRAEFIK_API=true", "TRAEFIK_API_INSECURE=true"],
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("pod env TRAEFIK_API_INSECURE=True in a mirrored image → blocked", async () => {
        const pod = deployment("traefik", [
            {
                name: "traefik",
                image: "registry.example.net/mirror/traefik:v3.4",
                env: [{ name: "TRAEFIK_API_INSECURE", value: "True" }],
            },
        ]);

        expect(await levels(pod)).toEqual(["mandatory"]);
    });

    it("Helm additionalArguments with the bare flag → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { additionalArguments: ["--api.insecure", "--accesslog=true"] },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("Helm values api.insecure: true → blocked", async () => {
        const release = helmRelease("ingress", { values: { api: { insecure: true } } });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("Helm values env TRAEFIK_API_INSECURE → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { env: [{ name: "TRAEFIK_API_INSECURE", value: "true" }] },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("ConfigMap with a traefik.yml static config setting api.insecure → blocked", async () => {
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "traefik-config",
            props: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "traefik-config" },
                data: {
                    "traefik.yml":
                        "entryPoints:\n  web:\n    address: :80\napi:\n  insecure: true\n",
                },
            },
        };

        expect(await levels(configMap)).toEqual(["mandatory"]);
    });

    it("TOML static config uploaded into the container → blocked", async () => {
        const proxy = dockerContainer("proxy", {
            image: "traefik:v3.4",
            uploads: [{ file: "/etc/traefik/traefik.toml", content: "[api]\n  insecure = true\n" }],
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("--api.insecure=false and --api.dashboard=true → passes", async () => {
        expect(await levels(traefikWith(["--api.insecure=false", "--api.dashboard=true"]))).toEqual(
            [],
        );
    });

    it("chart with default values → passes", async () => {
        expect(await levels(helmRelease("ingress", { version: "41.3.0" }))).toEqual([]);
    });

    it("application container with an unrelated INSECURE variable → passes", async () => {
        const app = dockerContainer("app", { image: "nginx", envs: ["API_INSECURE=true"] });

        expect(await levels(app)).toEqual([]);
    });
});
