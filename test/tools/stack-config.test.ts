import {
    applyProjectConfig,
    parseProjectConfig,
    parseStackConfig,
    SECRET_PLACEHOLDER_PREFIX,
    StackFileError,
} from "../../tools/lib/stack-config";

describe("reading a stack file as the language host hands it to the program", () => {
    it("qualifies bare keys with the project and encodes objects as JSON", () => {
        const stack = parseStackConfig(
            "config:\n  domain: a.test\n  flex4apps:projects: [{ name: p }]\n  aws:region: x\n",
            "flex4apps",
        );
        expect(stack.config).toEqual({
            "flex4apps:domain": "a.test",
            "flex4apps:projects": '[{"name":"p"}]',
            "aws:region": "x",
        });
        expect(stack.secretKeys).toEqual([]);
    });

    it("replaces encrypted values, top-level or nested, by marked placeholders kept secret", () => {
        const stack = parseStackConfig(
            [
                "config:",
                "  flex4apps:rancherToken:",
                "    secure: v1:AAAA",
                "  flex4apps:dockerTls:",
                "    node-1: { caPem: { secure: v1:BBBB }, certPem: plain }",
            ].join("\n"),
            "flex4apps",
        );
        expect(stack.secretKeys.sort()).toEqual(["flex4apps:dockerTls", "flex4apps:rancherToken"]);
        expect(stack.config["flex4apps:rancherToken"]).toBe(
            `${SECRET_PLACEHOLDER_PREFIX} flex4apps:rancherToken>`,
        );
        const tls = JSON.parse(stack.config["flex4apps:dockerTls"]);
        expect(tls["node-1"].caPem).toContain(SECRET_PLACEHOLDER_PREFIX);
        expect(tls["node-1"].certPem).toBe("plain");
        expect(JSON.stringify(stack)).not.toContain("v1:");
    });

    it("refuses a file that is not YAML or not a stack file, naming the file", () => {
        expect(() => parseStackConfig("config: [", "p", "Pulumi.x.yaml")).toThrow(
            /Pulumi\.x\.yaml is not valid YAML/,
        );
        expect(() => parseStackConfig("- a\n- b\n", "p", "Pulumi.x.yaml")).toThrow(StackFileError);
        expect(() => parseStackConfig("config: 3\n", "p", "Pulumi.x.yaml")).toThrow(
            /'config' must be a mapping/,
        );
    });
});

describe("the project's config block, as the CLI applies it", () => {
    const project = parseProjectConfig(
        {
            "flex4apps:domain": { type: "string" },
            "flex4apps:projects": { type: "array", items: { type: "object" }, default: [] },
            "flex4apps:kubernetes": { type: "object", default: {} },
            "aws:region": "eu-west-1",
        },
        "flex4apps",
        "Pulumi.yaml",
    );

    it("puts defaults beneath the stack's values", () => {
        const stack = parseStackConfig(
            "config:\n  flex4apps:domain: a.test\n  flex4apps:projects: [{ name: p }]\n",
            "flex4apps",
        );
        const config = applyProjectConfig(stack, project, "Pulumi.dev.yaml").config;
        expect(config["flex4apps:projects"]).toBe('[{"name":"p"}]');
        expect(config["flex4apps:kubernetes"]).toBe("{}");
        expect(config["aws:region"]).toBe("eu-west-1");
    });

    it("refuses a stack that leaves out a key declared without a default, as the CLI does", () => {
        const stack = parseStackConfig("config:\n  flex4apps:projects: []\n", "flex4apps");
        expect(() => applyProjectConfig(stack, project, "Pulumi.dev.yaml")).toThrow(
            "Pulumi.dev.yaml is missing configuration value 'flex4apps:domain'",
        );
    });
});
