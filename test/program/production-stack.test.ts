import * as path from "path";
import { ROOT, runStackFile, type Program } from "../support/program";

describe("the production stack: RKE2 provisioned by Rancher on hosts reached over SSH", () => {
    let program: Program;

    beforeAll(async () => {
        program = await runStackFile(path.join(ROOT, "Pulumi.production.yaml"));
        expect(program.result.error).toBeUndefined();
    });

    it("provisions an RKE2 cluster through Rancher's admin provider", () => {
        const cluster = program.one("rancher2:index/clusterV2:ClusterV2");
        expect(program.inputs(cluster).kubernetesVersion).toBe("v1.33.5+rke2r1");
        expect(program.providerOf(cluster)?.name).toBe("rancher-admin");
        expect(program.ofType("rancher2:index/cluster:Cluster")).toEqual([]);
        expect(program.ofType("docker:index/container:Container").map((c) => c.name)).toEqual([
            "rancher-server",
        ]);
    });

    it("registers every host with role kubernetes over SSH, firewalling the API first", () => {
        const commands = program.ofType("command:remote:Command");
        const connections = commands.map((c) => program.inputs(c).connection);
        expect(connections.map((c) => `${c.user}@${c.host}:${c.port}`).sort()).toEqual([
            "deploy@10.20.0.21:22",
            "deploy@10.20.0.22:22",
            "deploy@10.20.0.23:2222",
        ]);
        for (const command of commands) {
            const script = program.inputs(command).create as string;
            expect(script).toContain("iptables -A F4A-KUBE-API -s 10.20.0.0/16 -j ACCEPT");
            expect(script.indexOf("F4A-KUBE-API")).toBeLessThan(script.indexOf("--etcd"));
            expect(program.inputs(command).logging).toBe("none");
        }
    });

    it("runs Rancher on its own host, on its private address", () => {
        const rancher = program.one("docker:index/container:Container", "rancher-server");
        expect(program.inputs(program.providerOf(rancher)!).host).toBe("ssh://deploy@10.20.0.10");
        expect(program.inputs(rancher).ports).toEqual([
            expect.objectContaining({ internal: 443, ip: "10.20.0.10" }),
        ]);
        expect(program.result.exports.rancherUrl.value).toBe(
            "https://rancher.flex4apps.example.org",
        );
    });

    it("lets only the project that asks for it have public Services", () => {
        const byName = Object.fromEntries(
            program
                .ofType("rancher2:index/project:Project")
                .map((p) => [program.inputs(p).name, program.inputs(p)]),
        );
        expect(byName.messaging.resourceQuota).toBeUndefined();
        expect(byName.monitoring.resourceQuota.projectLimit.servicesLoadBalancers).toBe("0");
    });

    it("passes the host's SSH options to its Docker provider", () => {
        const node3 = program
            .ofType("pulumi:providers:docker")
            .find((p) => program.inputs(p).host === "ssh://deploy@10.20.0.23:2222");
        // Providers receive structured inputs as JSON text.
        expect(JSON.parse(program.inputs(node3!).sshOpts)).toEqual([
            "-o",
            "StrictHostKeyChecking=yes",
        ]);
    });
});
