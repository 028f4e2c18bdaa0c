import { kubernetesDashboardNotPublic } from "../../../policies/kubernetes/dashboard";
import { deployment, dockerContainer, kubernetesService } from "../fixtures";
import { runResourcePolicy } from "../harness";

const policy = kubernetesDashboardNotPublic;

describe("kubernetes-dashboard-not-public", () => {
    it("LoadBalancer selecting kubernetes-dashboard, 443 → 8443 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService(
                "kubernetes-dashboard",
                {
                    type: "LoadBalancer",
                    selector: { "k8s-app": "kubernetes-dashboard" },
                    ports: [{ port: 443, targetPort: 8443 }],
                },
                { namespace: "kubernetes-dashboard" },
            ),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });

    it("dashboard container publishing 9090 on all interfaces → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("dashboard", {
                image: "kubernetesui/dashboard:v2.7.0",
                ports: [{ internal: 9090, external: 9090 }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("dashboard pod with hostPort 8443 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment("dashboard", [
                {
                    name: "dashboard",
                    image: "docker.io/kubernetesui/dashboard-web:1.6.0",
                    ports: [{ containerPort: 8443, hostPort: 8443 }],
                },
            ]),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("Traefik's LoadBalancer targeting websecure 8443 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("traefik", {
                type: "LoadBalancer",
                selector: { "app.kubernetes.io/name": "traefik" },
                ports: [{ name: "websecure", port: 443, targetPort: 8443 }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("Prometheus NodePort on 9090 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("prometheus", { type: "NodePort", ports: [{ port: 9090 }] }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("dashboard Service kept ClusterIP → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("kubernetes-dashboard", { ports: [{ port: 443, targetPort: 8443 }] }),
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("kubernetes-dashboard-not-public through its Helm chart", () => {
    function chart(values: Record<string, unknown>) {
        return {
            type: "kubernetes:helm.sh/v3:Release",
            name: "dashboard",
            props: { chart: "kubernetes-dashboard", values },
        };
    }

    it("chart 7 with kong.proxy.type LoadBalancer → blocked", async () => {
        const outcome = await runResourcePolicy(
            kubernetesDashboardNotPublic,
            chart({ kong: { proxy: { type: "LoadBalancer" } } }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("values.kong.proxy");
    });

    it("older chart with service.type NodePort → blocked", async () => {
        const outcome = await runResourcePolicy(
            kubernetesDashboardNotPublic,
            chart({ service: { type: "NodePort" } }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("chart with its default ClusterIP Services → passes", async () => {
        const outcome = await runResourcePolicy(kubernetesDashboardNotPublic, chart({}));

        expect(outcome.violations).toEqual([]);
    });
});

describe("kubernetes-dashboard-not-public: mirrored images", () => {
    it("rancher/mirrored-kubernetesui-dashboard publishing 8443 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("dashboard", {
                image: "rancher/mirrored-kubernetesui-dashboard:v2.7.0",
                ports: [{ internal: 8443, external: 8443 }],
            }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });

    it("rancher/mirrored-kubernetesui-metrics-scraper publishing 8000 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("scraper", {
                image: "rancher/mirrored-kubernetesui-metrics-scraper:v1.0.8",
                ports: [{ internal: 8000, external: 8000 }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });
});
