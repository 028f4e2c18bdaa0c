import * as path from "path";
import {
    containsSecret,
    isSecretValue,
    ROOT,
    runStackFile,
    type Program,
} from "../support/program";

describe("the dev stack: k3s and Rancher side by side on the local Engine", () => {
    let program: Program;

    beforeAll(async () => {
        program = await runStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
        expect(program.result.error).toBeUndefined();
    });

    it("talks to the local Engine over its Unix socket", () => {
        const provider = program.one("pulumi:providers:docker");
        expect(program.inputs(provider).host).toBe("unix:///var/run/docker.sock");
    });

    it("runs a k3s server with its bundled Traefik disabled and its API on 127.0.0.1", () => {
        const server = program.one("docker:index/container:Container", "flex4apps-server");
        const inputs = program.inputs(server);
        expect(inputs.command).toContain("--disable=traefik");
        expect(inputs.ports).toContainEqual(
            expect.objectContaining({ internal: 6443, external: 6443, ip: "127.0.0.1" }),
        );
        expect(inputs.envs).toEqual([expect.stringMatching(/^K3S_TOKEN=.{16,}/)]);
        expect(containsSecret(server.inputs.envs)).toBe(true);
    });

    it("reads the kubeconfig without logging it and keeps it secret", () => {
        const read = program.one("command:local:Command", "flex4apps-kubeconfig");
        expect(program.inputs(read).logging).toBe("none");
        const provider = program.one("pulumi:providers:kubernetes");
        expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
        expect(program.result.exports.kubernetesApiEndpoint.value).toBeDefined();
    });

    it("runs Rancher bound to 127.0.0.1 and bootstraps it through the provider's bootstrap mode", () => {
        const rancher = program.one("docker:index/container:Container", "rancher-server");
        const inputs = program.inputs(rancher);
        expect(inputs.image).toBeDefined();
        expect(inputs.ports).toEqual([
            expect.objectContaining({ internal: 8443, external: 8443, ip: "127.0.0.1" }),
        ]);
        const bootstrapProvider = program.one("pulumi:providers:rancher2", "rancher-bootstrap");
        // Providers receive their inputs as text.
        expect(program.inputs(bootstrapProvider).bootstrap).toBe("true");
        const bootstrap = program.one("rancher2:index/bootstrap:Bootstrap");
        expect(program.providerOf(bootstrap)?.name).toBe("rancher-bootstrap");
        expect(isSecretValue(bootstrap.inputs.password)).toBe(true);
        const admin = program.one("pulumi:providers:rancher2", "rancher-admin");
        expect(isSecretValue(admin.inputs.tokenKey)).toBe(true);
        expect(program.inputs(admin).insecure).not.toBe(true);
        expect(program.inputs(admin).caCerts).toContain("BEGIN CERTIFICATE");
    });

    it("puts Rancher and k3s on one Docker network, with Rancher known by its host name", () => {
        const network = program.one("docker:index/network:Network");
        const name = program.inputs(network).name;
        const rancher = program.inputs(
            program.one("docker:index/container:Container", "rancher-server"),
        );
        const k3s = program.inputs(
            program.one("docker:index/container:Container", "flex4apps-server"),
        );
        expect(rancher.networksAdvanced[0]).toEqual({
            name,
            aliases: ["rancher.flex4apps.localhost"],
        });
        expect(k3s.networksAdvanced[0].name).toBe(name);
        const dns = program.one("kubernetes:core/v1:ConfigMap");
        const rancherAddress = program.inputs(
            program.one("docker:index/container:Container", "rancher-server"),
        ).networksAdvanced;
        expect(rancherAddress).toHaveLength(1);
        expect(program.inputs(dns).data["rancher.server"]).toMatch(
            /hosts \{\s+172\.18\.0\.\d+ rancher\.flex4apps\.localhost\s+\}/,
        );
    });

    it("imports the k3s cluster into Rancher and applies the agent manifest", () => {
        const cluster = program.one("rancher2:index/cluster:Cluster");
        expect(program.providerOf(cluster)?.name).toBe("rancher-admin");
        const agent = program.one("command:local:Command", "flex4apps-agent");
        expect(program.inputs(agent).environment.F4A_MANIFEST_URL).toContain("/v3/import/");
        expect(
            isSecretValue((agent.inputs.environment as Record<string, unknown>).F4A_KUBECONFIG),
        ).toBe(true);
    });

    it("creates the Flex4Apps projects with their namespaces and no public Services", () => {
        const projects = program.ofType("rancher2:index/project:Project");
        expect(projects.map((p) => program.inputs(p).name).sort()).toEqual([
            "data-pipeline",
            "messaging",
            "monitoring",
        ]);
        for (const project of projects) {
            const quota = program.inputs(project).resourceQuota;
            expect(quota.projectLimit).toEqual({
                servicesLoadBalancers: "0",
                servicesNodePorts: "0",
            });
            expect(quota.namespaceDefaultLimit).toEqual(quota.projectLimit);
            expect(program.inputs(project).clusterId).toBe("c-flex4apps-cluster");
        }
        const namespaces = program.ofType("rancher2:index/namespace:Namespace");
        expect(namespaces.map((n) => program.inputs(n).name).sort()).toEqual([
            "elasticsearch",
            "grafana",
            "influxdb",
            "kibana",
            "logstash",
            "mosquitto",
        ]);
        const exported = program.result.exports.namespaceIds.value as Record<string, string>;
        expect(Object.keys(exported).sort()).toEqual(
            namespaces.map((n) => program.inputs(n).name).sort(),
        );
        for (const namespace of namespaces) {
            const projectId = program.inputs(namespace).projectId;
            expect(projectId).toMatch(/^c-flex4apps-cluster:p-projects-/);
            expect(program.inputs(namespace).resourceQuota.limit.servicesNodePorts).toBe("0");
        }
    });
});
