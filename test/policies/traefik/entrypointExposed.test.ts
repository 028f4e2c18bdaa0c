import { traefikEntrypointNotExposed } from "../../../policies/traefik/entrypointExposed";
import {
    deployment,
    dockerContainer,
    helmRelease,
    kubernetesService,
    servicePatch,
} from "../fixtures";
import { levelsOf, runResourcePolicy, TestResource } from "../harness";

const policy = traefikEntrypointNotExposed;

const levels = (resource: TestResource) => levelsOf(policy, resource);

function traefik(ports: Record<string, unknown>[], command: string[] = []): TestResource {
    return dockerContainer("edge-proxy", { image: "traefik:v3.4", command, ports });
}

const traefikSelector = { "app.kubernetes.io/name": "traefik" };

describe("traefik-entrypoint-not-exposed", () => {
    it("Traefik container publishes 8080 on all interfaces → blocked", async () => {
        expect(await levels(traefik([{ internal: 8080, external: 8080 }]))).toEqual(["mandatory"]);
    });

    it("Traefik container publishes the legacy 9000 → blocked", async () => {
        expect(await levels(traefik([{ internal: 9000, external: 9000, ip: "0.0.0.0" }]))).toEqual([
            "mandatory",
        ]);
    });

    it("traefik entrypoint moved to :9999 and published → blocked", async () => {
        const proxy = traefik(
            [{ internal: 9999, external: 9999 }],
            ["--entrypoints.traefik.address=:9999"],
        );

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("Traefik container publishes only web 80 and websecure 443 → passes", async () => {
        const proxy = traefik([
            { internal: 80, external: 80 },
            { internal: 443, external: 443 },
        ]);

        expect(await levels(proxy)).toEqual([]);
    });

    it("8080 is the web entrypoint's address → passes", async () => {
        const proxy = traefik(
            [{ internal: 8080, external: 80 }],
            ["--entrypoints.web.address=:8080"],
        );

        expect(await levels(proxy)).toEqual([]);
    });

    it("host port 8080 carrying container port 80 → passes", async () => {
        expect(await levels(traefik([{ internal: 80, external: 8080 }]))).toEqual([]);
    });

    it.each(["127.0.0.1", "::1", "10.0.0.2"])("8080 bound to %s → passes", async (ip) => {
        expect(await levels(traefik([{ internal: 8080, external: 8080, ip }]))).toEqual([]);
    });

    it("application container publishing 8080 → passes", async () => {
        const app = dockerContainer("api", {
            image: "ghcr.io/example/shop:1",
            ports: [{ internal: 8080, external: 8080 }],
        });

        expect(await levels(app)).toEqual([]);
    });

    it("LoadBalancer port named traefik → blocked", async () => {
        const service = kubernetesService("edge", {
            type: "LoadBalancer",
            ports: [{ name: "traefik", port: 8080, targetPort: "traefik" }],
        });

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it("Traefik's LoadBalancer with the old chart's dashboard port 9000 → blocked", async () => {
        const service = kubernetesService("proxy", {
            type: "LoadBalancer",
            selector: traefikSelector,
            ports: [
                { name: "websecure", port: 443, targetPort: 8443 },
                { name: "dashboard", port: 9000, targetPort: 9000 },
            ],
        });

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it("Traefik's NodePort targeting 8080 → blocked", async () => {
        const service = kubernetesService("proxy", {
            type: "NodePort",
            selector: traefikSelector,
            ports: [{ name: "admin", port: 8080 }],
        });

        expect(await levels(service)).toEqual(["mandatory"]);
    });

    it("Traefik's LoadBalancer with web and websecure only → passes", async () => {
        const service = kubernetesService("proxy", {
            type: "LoadBalancer",
            selector: traefikSelector,
            ports: [
                { name: "web", port: 80, targetPort: "web" },
                { name: "websecure", port: 443, targetPort: "websecure" },
            ],
        });

        expect(await levels(service)).toEqual([]);
    });

    it("ClusterIP Service port named traefik → passes", async () => {
        const service = kubernetesService("traefik-dashboard", {
            selector: traefikSelector,
            ports: [{ name: "traefik", port: 8080 }],
        });

        expect(await levels(service)).toEqual([]);
    });

    it("another application's LoadBalancer on 8080 → passes", async () => {
        const service = kubernetesService("shop", {
            type: "LoadBalancer",
            selector: { app: "shop" },
            ports: [{ port: 8080 }],
        });

        expect(await levels(service)).toEqual([]);
    });

    it("chart ports.traefik.expose { default: true } → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { ports: { traefik: { expose: { default: true } } } },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("older chart ports.traefik.expose: true → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { ports: { traefik: { expose: true } } },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("chart ports.traefik.expose true on a ClusterIP Service → passes", async () => {
        const release = helmRelease("ingress", {
            values: {
                ports: { traefik: { expose: { default: true } } },
                service: { spec: { type: "ClusterIP" } },
            },
        });

        expect(await levels(release)).toEqual([]);
    });

    it("chart ports.traefik.expose { default: false } → passes", async () => {
        const release = helmRelease("ingress", {
            values: { ports: { traefik: { expose: { default: false } } } },
        });

        expect(await levels(release)).toEqual([]);
    });

    it("chart ports.traefik.hostPort 8080 with no hostIP → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { ports: { traefik: { hostPort: 8080 } } },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("chart hostNetwork: true → blocked", async () => {
        expect(await levels(helmRelease("ingress", { values: { hostNetwork: true } }))).toEqual([
            "mandatory",
        ]);
    });

    it("Traefik pod in the host network declaring its traefik port → blocked", async () => {
        const pod = deployment(
            "traefik",
            [
                {
                    name: "traefik",
                    image: "traefik:v3.4",
                    ports: [{ name: "traefik", containerPort: 8080 }],
                },
            ],
            { hostNetwork: true },
        );

        expect(await levels(pod)).toEqual(["mandatory"]);
    });
});

describe("traefik-entrypoint-not-exposed: host network, publishAllPorts, patches", () => {
    function hostNetworkTraefik(command: string[]): TestResource {
        return dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            networkMode: "host",
            command,
        });
    }

    it("host-network docker Traefik, API on → blocked, fix names the address", async () => {
        const outcome = await runResourcePolicy(
            policy,
            hostNetworkTraefik(["--entrypoints.web.address=:80", "--api.dashboard=true"]),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("every interface of the host");
        expect(outcome.violations[0].message).toContain(
            "--entrypoints.traefik.address=127.0.0.1:8080",
        );
    });

    it("docker Traefik in the host network, traefik entrypoint on :9000 → blocked", async () => {
        const proxy = hostNetworkTraefik(["--ping", "--entrypoints.traefik.address=:9000"]);

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("host-network docker Traefik, traefik entrypoint on 127.0.0.1 → passes", async () => {
        const proxy = hostNetworkTraefik([
            "--api.dashboard=true",
            "--entrypoints.traefik.address=127.0.0.1:8080",
        ]);

        expect(await levels(proxy)).toEqual([]);
    });

    it("host-network docker Traefik with only web/websecure (no API) → passes", async () => {
        const proxy = hostNetworkTraefik([
            "--entrypoints.web.address=:80",
            "--entrypoints.websecure.address=:443",
        ]);

        expect(await levels(proxy)).toEqual([]);
    });

    it("chart hostNetwork with the traefik entrypoint bound to 10.0.0.2 → passes", async () => {
        const release = helmRelease("ingress", {
            values: {
                hostNetwork: true,
                additionalArguments: ["--entrypoints.traefik.address=10.0.0.2:8080"],
            },
        });

        expect(await levels(release)).toEqual([]);
    });

    it("Traefik with publishAllPorts → blocked", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            command: ["--api.dashboard=true"],
            publishAllPorts: true,
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("ServicePatch adding a traefik port to k3s's kube-system/traefik → blocked", async () => {
        const patch = servicePatch("traefik", "kube-system", {
            ports: [{ name: "traefik", port: 9000, targetPort: "traefik" }],
        });

        expect(await levels(patch)).toEqual(["mandatory"]);
    });

    it("ServicePatch adding a websecure port to kube-system/traefik → passes", async () => {
        const patch = servicePatch("traefik", "kube-system", {
            ports: [{ name: "websecure", port: 443, targetPort: "websecure" }],
        });

        expect(await levels(patch)).toEqual([]);
    });
});

describe("traefik-entrypoint-not-exposed: chart values in other forms", () => {
    it("ports.traefik.expose.admin on a LoadBalancer additionalService → blocked", async () => {
        const release = helmRelease("traefik", {
            values: {
                service: {
                    spec: { type: "ClusterIP" },
                    additionalServices: { admin: { type: "LoadBalancer" } },
                },
                ports: { traefik: { expose: { admin: true } } },
            },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("ports.traefik.expose.admin on a ClusterIP additionalService → passes", async () => {
        const release = helmRelease("traefik", {
            values: {
                service: { additionalServices: { admin: { type: "ClusterIP" } } },
                ports: { traefik: { expose: { default: false, admin: true } } },
            },
        });

        expect(await levels(release)).toEqual([]);
    });

    it("HelmChartConfig valuesContent exposing the traefik port on k3s → blocked", async () => {
        const config: TestResource = {
            type: "kubernetes:helm.cattle.io/v1:HelmChartConfig",
            name: "traefik-config",
            props: {
                metadata: { name: "traefik", namespace: "kube-system" },
                spec: { valuesContent: "ports:\n  traefik:\n    expose:\n      default: true\n" },
            },
        };

        expect(await levels(config)).toEqual(["mandatory"]);
    });
});
