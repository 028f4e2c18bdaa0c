import { kubernetesApiServerNotPublic } from "../../../policies/kubernetes/apiServer";
import { deployment, dockerContainer, kubernetesService, servicePatch } from "../fixtures";
import { runResourcePolicy } from "../harness";

const policy = kubernetesApiServerNotPublic;

describe("kubernetes-api-server-not-public", () => {
    it("k3s container publishing 6443 with no ip → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("k3s", {
                image: "rancher/k3s:v1.33.4-k3s1",
                command: ["server"],
                ports: [{ internal: 6443, external: 6443 }],
            }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("6443");
    });

    it("k3s publishing 6443, 80 and 443 on the host's private address → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("k3s", {
                image: "rancher/k3s:v1.33.4-k3s1",
                ports: [
                    { internal: 6443, external: 6443, ip: "10.20.0.11" },
                    { internal: 80, external: 80, ip: "10.20.0.11" },
                    { internal: 443, external: 443, ip: "10.20.0.11" },
                ],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("k3s publishing 80/443 publicly but 6443 on loopback → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("k3s", {
                image: "rancher/k3s",
                ports: [
                    { internal: 6443, external: 6443, ip: "127.0.0.1" },
                    { internal: 443, external: 443 },
                ],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("kube-apiserver pod in the host network → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment(
                "apiserver",
                [{ name: "kube-apiserver", image: "registry.k8s.io/kube-apiserver:v1.33.0" }],
                { hostNetwork: true },
            ),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("host's network namespace");
    });

    it("LoadBalancer Service on 6443 open to 0.0.0.0/0 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("api", {
                type: "LoadBalancer",
                loadBalancerSourceRanges: ["0.0.0.0/0"],
                ports: [{ port: 443, targetPort: 6443 }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("0.0.0.0/0");
    });

    it("LoadBalancer Service on 6443 restricted to an admin CIDR → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("api", {
                type: "LoadBalancer",
                loadBalancerSourceRanges: ["203.0.113.0/24"],
                ports: [{ port: 6443 }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("internal LoadBalancer (annotation) on 6443 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService(
                "api",
                { type: "LoadBalancer", ports: [{ port: 6443 }] },
                {
                    annotations: {
                        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                    },
                },
            ),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("ClusterIP Service with a public externalIP on 6443 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("api", { externalIPs: ["198.51.100.40"], ports: [{ port: 6443 }] }),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("externalIPs");
    });

    it("ClusterIP Service on 6443 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("api", { ports: [{ port: 6443 }] }),
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("kubernetes-api-server-not-public: patches and split source ranges", () => {
    const levels = async (resource: Parameters<typeof runResourcePolicy>[1]) =>
        (await runResourcePolicy(policy, resource)).violations.map((violation) => violation.level);

    it("ServicePatch turning default/kubernetes into a LoadBalancer → blocked", async () => {
        expect(
            await levels(servicePatch("kubernetes", "default", { type: "LoadBalancer" })),
        ).toEqual(["mandatory"]);
    });

    it("ServicePatch of default/kubernetes that only adds an annotation → passes", async () => {
        const patch = servicePatch("kubernetes", "default", {});
        patch.props.metadata = {
            name: "kubernetes",
            namespace: "default",
            annotations: { a: "b" },
        };

        expect(await levels(patch)).toEqual([]);
    });

    it("ServicePatch of a Service named kubernetes in namespace shop → passes", async () => {
        expect(await levels(servicePatch("kubernetes", "shop", { type: "LoadBalancer" }))).toEqual(
            [],
        );
    });

    it("LoadBalancer on 6443 open to 0.0.0.0/1 + 128.0.0.0/1 (all) → blocked", async () => {
        const service = kubernetesService("api-lb", {
            type: "LoadBalancer",
            loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"],
            ports: [{ port: 6443, targetPort: 6443 }],
        });

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it.each([["--https-listen-port=7443"], ["--https-listen-port 7443"]])(
        "k3s server with %s publishing 7443 on all interfaces → blocked",
        async (flag) => {
            const k3s = dockerContainer("k3s", {
                image: "rancher/k3s:v1.30.4-k3s1",
                command: ["server", ...flag.split(" ")],
                ports: [{ internal: 7443, external: 7443 }],
            });

            expect(await levels(k3s)).toEqual(["mandatory"]);
        },
    );

    it("kube-apiserver pod with --secure-port=7443 as hostPort → blocked", async () => {
        const pod = deployment("api", [
            {
                name: "api",
                image: "registry.k8s.io/kube-apiserver:v1.31.0",
                command: ["kube-apiserver", "--secure-port=7443"],
                ports: [{ containerPort: 7443, hostPort: 7443 }],
            },
        ]);

        expect(await levels(pod)).toEqual(["mandatory"]);
    });

    it("metrics-server with --secure-port=7443 publishing 7443 → passes", async () => {
        const metrics = dockerContainer("metrics", {
            image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            command: ["--secure-port=7443"],
            ports: [{ internal: 7443, external: 7443 }],
        });

        expect(await levels(metrics)).toEqual([]);
    });

    it("k3s server with --https-listen-port=7443 publishing only 8080 → passes", async () => {
        const k3s = dockerContainer("k3s", {
            image: "rancher/k3s:v1.30.4-k3s1",
            command: ["server", "--https-listen-port=7443"],
            ports: [{ internal: 8080, external: 8080 }],
        });

        expect(await levels(k3s)).toEqual([]);
    });

    it.each([[["2000::/3"]], [["0.0.0.0/1"]], [["128.0.0.0/2", "10.0.0.0/8"]]])(
        "LoadBalancer on 6443 open to the broad public range %j → blocked",
        async (ranges) => {
            const service = kubernetesService("api-lb", {
                type: "LoadBalancer",
                loadBalancerSourceRanges: ranges,
                ports: [{ port: 6443, targetPort: 6443 }],
            });

            expect(await levels(service)).toEqual(["mandatory"]);
        },
    );

    it("LoadBalancer on 6443 open to a /8 and a ULA /7 → passes", async () => {
        const service = kubernetesService("api-lb", {
            type: "LoadBalancer",
            loadBalancerSourceRanges: ["11.0.0.0/8", "fc00::/7"],
            ports: [{ port: 6443, targetPort: 6443 }],
        });

        expect(await levels(service)).toEqual([]);
    });

    it("internal-annotated LoadBalancer with scheme internet-facing → blocked", async () => {
        const service = kubernetesService(
            "api-lb",
            { type: "LoadBalancer", ports: [{ port: 6443, targetPort: 6443 }] },
            {
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                },
            },
        );

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it("LoadBalancer on 6443, internal annotation and scheme internal → passes", async () => {
        const service = kubernetesService(
            "api-lb",
            { type: "LoadBalancer", ports: [{ port: 6443, targetPort: 6443 }] },
            {
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                },
            },
        );

        expect(await levels(service)).toEqual([]);
    });

    it("LoadBalancer on 6443 open to two admin networks → passes", async () => {
        const service = kubernetesService("api-lb", {
            type: "LoadBalancer",
            loadBalancerSourceRanges: ["203.0.113.0/24", "198.51.100.0/24"],
            ports: [{ port: 6443, targetPort: 6443 }],
        });

        expect(await levels(service)).toEqual([]);
    });
});
