import { kubernetesClusterEndpointNotPublic } from "../../../policies/kubernetes/clusterEndpoint";
import { runResourcePolicy, unknownDuringPreview } from "../harness";

const policy = kubernetesClusterEndpointNotPublic;

function kubeconfig(server: string): string {
    return [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        `    server: ${server}`,
        "  name: edge",
        "kind: Config",
    ].join("\n");
}

function provider(props: Record<string, unknown>) {
    return { type: "pulumi:providers:kubernetes", name: "edge", props };
}

describe("kubernetes-cluster-endpoint-not-public", () => {
    it("kubernetes provider kubeconfig server on a public IP → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ kubeconfig: kubeconfig("https://198.51.100.30:6443") }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("https://198.51.100.30:6443");
    });

    it("kubeconfig in JSON with a public IPv6 server → blocked", async () => {
        const config = { clusters: [{ cluster: { server: "https://[2001:db8::10]:6443" } }] };
        const outcome = await runResourcePolicy(
            policy,
            provider({ kubeconfig: JSON.stringify(config) }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it.each(["https://10.20.0.11:6443", "https://127.0.0.1:6443", "https://k8s.internal:6443"])(
        "kubeconfig server %s → passes",
        async (server) => {
            const outcome = await runResourcePolicy(
                policy,
                provider({ kubeconfig: kubeconfig(server) }),
            );

            expect(outcome.violations).toEqual([]);
        },
    );

    it("kubeconfig unknown during preview → not flagged", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ kubeconfig: unknownDuringPreview }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("EKS cluster with the default public endpoint and no CIDRs → blocked", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: { vpcConfig: { subnetIds: ["subnet-1"] } },
        });

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("vpcConfig.publicAccessCidrs");
    });

    it("EKS cluster with publicAccessCidrs limited to an office range → passes", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: {
                vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
            },
        });

        expect(outcome.violations).toEqual([]);
    });

    it("EKS cluster with the public endpoint off → passes", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: { vpcConfig: { endpointPublicAccess: false } },
        });

        expect(outcome.violations).toEqual([]);
    });

    it("GKE cluster with master authorized networks 0.0.0.0/0 → blocked", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "gcp:container/cluster:Cluster",
            name: "gke",
            props: { masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "0.0.0.0/0" }] } },
        });

        expect(outcome.violations).toHaveLength(1);
    });

    it("AKS (azure-native) private cluster → passes", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "azure-native:containerservice:ManagedCluster",
            name: "aks",
            props: { apiServerAccessProfile: { enablePrivateCluster: true } },
        });

        expect(outcome.violations).toEqual([]);
    });

    it("rancher2 EKS cluster with public access from ::/0 → blocked", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "rancher2:index/cluster:Cluster",
            name: "downstream",
            props: { eksConfigV2: { publicAccess: true, publicAccessSources: ["::/0"] } },
        });

        expect(outcome.violations).toHaveLength(1);
    });

    it("rancher2 imported cluster without hosted config → passes", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "rancher2:index/cluster:Cluster",
            name: "edge",
            props: { description: "imported k3s" },
        });

        expect(outcome.violations).toEqual([]);
    });
});
