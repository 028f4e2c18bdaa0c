import { isSecretValue, runWithConfig } from "../support/program";
import { baseConfig, TEST_TLS } from "../support/configs";

const KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "current-context: ops",
    "contexts: [{ name: ops, context: { cluster: ops, user: ops } }]",
    "clusters: [{ name: ops, cluster: { server: 'https://10.1.2.3:6443' } }]",
    "users: [{ name: ops, user: { token: test-only } }]",
].join("\n");

describe("an existing cluster and an existing Rancher", () => {
    it("uses the kubeconfig from secret config and Rancher's token, creating no containers", async () => {
        const config = {
            ...baseConfig(),
            dockerHosts: [{ name: "ops", url: "ssh://ops@10.1.2.4", address: "10.1.2.4" }],
            kubernetes: { distribution: "existing" },
            rancher: { mode: "existing", apiUrl: "https://rancher.ops.test" },
        };
        const program = await runWithConfig(config, {
            kubeconfig: KUBECONFIG,
            rancherToken: "token-test:only",
        });
        expect(program.result.error).toBeUndefined();
        expect(program.ofType("docker:index/container:Container")).toEqual([]);
        const provider = program.one("pulumi:providers:kubernetes");
        expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
        expect(program.result.exports.kubernetesApiEndpoint.value).toBe("https://10.1.2.3:6443");
        const rancher = program.one("pulumi:providers:rancher2");
        expect(program.inputs(rancher).apiUrl).toBe("https://rancher.ops.test");
        expect(isSecretValue(rancher.inputs.tokenKey)).toBe(true);
        expect(program.ofType("rancher2:index/cluster:Cluster")).toHaveLength(1);
        expect(program.ofType("kubernetes:core/v1:ConfigMap")).toEqual([]);
        expect(program.result.exports.rancherToken.secret).toBe(true);
    });
});

describe("a Docker host on tcp:// with TLS client material", () => {
    it("hands the provider the CA, certificate and key, each as a secret", async () => {
        const config = baseConfig();
        config.dockerHosts[0].url = "tcp://10.0.0.5:2376";
        config.dockerHosts[0].address = "10.0.0.5";
        const program = await runWithConfig(config, { dockerTls: { local: TEST_TLS } });
        expect(program.result.error).toBeUndefined();
        const provider = program.one("pulumi:providers:docker");
        expect(program.inputs(provider).host).toBe("tcp://10.0.0.5:2376");
        for (const field of ["caMaterial", "certMaterial", "keyMaterial"]) {
            expect(isSecretValue(provider.inputs[field])).toBe(true);
        }
        for (const container of program.ofType("docker:index/container:Container")) {
            for (const port of program.inputs(container).ports) {
                expect(port.ip).toBe("10.0.0.5");
            }
        }
    });

    it("uses dashboard and Rancher passwords from secret config instead of generating them", async () => {
        const program = await runWithConfig(baseConfig(), {
            dashboardPasswords: { admin: "a-test-password-of-some-length" },
            rancherAdminPassword: "another-test-password",
        });
        expect(program.result.error).toBeUndefined();
        const generated = program
            .ofType("random:index/randomPassword:RandomPassword")
            .map((r) => r.name);
        expect(generated).not.toContain("traefik-dashboard-admin-password");
        expect(generated).not.toContain("rancher-admin-password");
        expect(program.result.exports.dashboardPasswords.value).toEqual({
            admin: "a-test-password-of-some-length",
        });
    });
});

describe("a k3s server on a tcp:// host", () => {
    it("hands the kubeconfig read the host's TLS material as secrets, never in the script", async () => {
        const config = baseConfig();
        config.dockerHosts[0].url = "tcp://10.0.0.5:2376";
        config.dockerHosts[0].address = "10.0.0.5";
        const program = await runWithConfig(config, { dockerTls: { local: TEST_TLS } });
        const read = program.one("command:local:Command", "flex4apps-kubeconfig");
        const environment = read.inputs.environment as Record<string, unknown>;
        expect(environment.DOCKER_HOST).toBe("tcp://10.0.0.5:2376");
        for (const key of ["F4A_DOCKER_CA", "F4A_DOCKER_CERT", "F4A_DOCKER_KEY"]) {
            expect(isSecretValue(environment[key])).toBe(true);
        }
        expect(program.inputs(read).create).not.toContain("BEGIN");
    });
});
