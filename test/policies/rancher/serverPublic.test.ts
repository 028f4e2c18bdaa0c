import { rancherServerNotPublic } from "../../../policies/rancher/serverPublic";
import { deployment, dockerContainer, kubernetesService } from "../fixtures";
import { levelsOf, TestResource } from "../harness";

const policy = rancherServerNotPublic;

const levels = (resource: TestResource) => levelsOf(policy, resource);

describe("rancher-server-not-public", () => {
    it("rancher/rancher publishing 443 with no ip → blocked", async () => {
        const rancher = dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            privileged: true,
            ports: [{ internal: 443, external: 443 }],
        });

        expect(await levels(rancher)).toEqual(["mandatory"]);
    });

    it("registry-prefixed Rancher image publishing on a public address → blocked", async () => {
        const rancher = dockerContainer("rancher", {
            image: "registry.rancher.com/rancher/rancher:v2.12.3",
            ports: [{ internal: 80, external: 80, ip: "198.51.100.5" }],
        });

        expect(await levels(rancher)).toEqual(["mandatory"]);
    });

    it("Rancher in the host network → blocked", async () => {
        const rancher = dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            networkMode: "host",
        });

        expect(await levels(rancher)).toEqual(["mandatory"]);
    });

    it.each(["192.168.10.5", "127.0.0.1", "fd12::5"])(
        "Rancher bound to %s → passes",
        async (ip) => {
            const rancher = dockerContainer("rancher", {
                image: "rancher/rancher:v2.12.3",
                ports: [
                    { internal: 80, external: 80, ip },
                    { internal: 443, external: 443, ip },
                ],
            });

            expect(await levels(rancher)).toEqual([]);
        },
    );

    it("LoadBalancer Service selecting app=rancher → blocked", async () => {
        const service = kubernetesService(
            "rancher",
            { type: "LoadBalancer", selector: { app: "rancher" }, ports: [{ port: 443 }] },
            { namespace: "cattle-system" },
        );

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it("Rancher pod with hostPort 443 → blocked", async () => {
        const pod = deployment("rancher", [
            {
                name: "rancher",
                image: "rancher/rancher:v2.12.3",
                ports: [{ containerPort: 443, hostPort: 443 }],
            },
        ]);

        expect(await levels(pod)).toEqual(["mandatory"]);
    });

    it("Rancher Service kept ClusterIP → passes", async () => {
        const service = kubernetesService("rancher", {
            selector: { app: "rancher" },
            ports: [{ port: 443 }],
        });

        expect(await levels(service)).toEqual([]);
    });

    it("k3s (not the Rancher server) publishing 443 → passes", async () => {
        const k3s = dockerContainer("k3s", {
            image: "rancher/k3s:v1.33.4-k3s1",
            ports: [{ internal: 443, external: 443 }],
        });

        expect(await levels(k3s)).toEqual([]);
    });
});

describe("rancher-server-not-public: image spellings and publishAllPorts", () => {
    it("rancher/rancher through a registry mirror path, publishing 443 → blocked", async () => {
        const rancher = dockerContainer("rancher", {
            image: "harbor.corp.example/mirror/rancher/rancher:v2.12.3",
            ports: [{ internal: 443, external: 443 }],
        });

        expect(await levels(rancher)).toEqual(["mandatory"]);
    });

    it("rancher/rancher with publishAllPorts → blocked", async () => {
        const rancher = dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            publishAllPorts: true,
        });

        expect(await levels(rancher)).toEqual(["mandatory"]);
    });

    it("rancher/rancher-agent or mirror/rancher/rancher-webhook on 443 → passes", async () => {
        for (const image of ["rancher/rancher-agent:v2.12.3", "mirror/rancher/rancher-webhook:1"]) {
            const agent = dockerContainer("agent", {
                image,
                ports: [{ internal: 443, external: 443 }],
            });

            expect(await levels(agent)).toEqual([]);
        }
    });

    it("rancher/rancher with publishAllPorts false and ports on 10.0.0.5 → passes", async () => {
        const rancher = dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            publishAllPorts: false,
            ports: [{ internal: 443, external: 443, ip: "10.0.0.5" }],
        });

        expect(await levels(rancher)).toEqual([]);
    });
});
