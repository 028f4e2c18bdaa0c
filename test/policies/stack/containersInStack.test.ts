import { managementApiNotPublicThroughStack } from "../../../policies/stack/containersInStack";
import { deployment, dockerContainer } from "../fixtures";
import { runStackPolicy, TestResource, unknownDuringPreview } from "../harness";

const policy = managementApiNotPublicThroughStack;

function remoteImage(name: string, image: string): TestResource {
    return { type: "docker:index/remoteImage:RemoteImage", name, props: { name: image } };
}

/** A container whose image is the image resource's id, as `image: remoteImage.imageId` gives. */
function fromImage(image: string, props: Record<string, unknown>, id = unknownDuringPreview) {
    const container = dockerContainer("container", { image: id, ...props });
    return [
        remoteImage("image", image),
        { ...container, propertyDependencies: { image: ["image"] } },
    ];
}

async function messages(resources: TestResource[]): Promise<string[]> {
    return (await runStackPolicy(policy, resources)).violations.map(
        (violation) => violation.message,
    );
}

const sha256Id = `sha256:${"ab".repeat(32)}`;

describe("management-api-not-public-through-stack", () => {
    it("rancher/rancher from RemoteImage.imageId (unknown) on 443 → blocked", async () => {
        const found = await messages(
            fromImage("rancher/rancher:v2.12.3", { ports: [{ internal: 443, external: 443 }] }),
        );

        expect(found).toHaveLength(1);
        expect(found[0]).toContain("[rancher-server-not-public]");
    });

    it("rancher/rancher from RemoteImage.imageId (sha256 id, up) on 443 → blocked", async () => {
        const resources = fromImage(
            "rancher/rancher:v2.12.3",
            { ports: [{ internal: 443, external: 443 }] },
            sha256Id,
        );

        expect(await messages(resources)).toHaveLength(1);
    });

    it("rancher/rancher from RemoteImage.imageId bound to 10.0.0.5 → passes", async () => {
        const ports = [{ internal: 443, external: 443, ip: "10.0.0.5" }];

        expect(await messages(fromImage("rancher/rancher:v2.12.3", { ports }))).toEqual([]);
    });

    it("socket proxy and Traefik from RemoteImage.imageId → blocked by their rules", async () => {
        const proxy = await messages(
            fromImage("tecnativa/docker-socket-proxy:0.3", {
                ports: [{ internal: 2375, external: 12375 }],
            }),
        );
        const traefik = await messages(
            fromImage("traefik:v3.4", {
                command: ["--api.dashboard=true"],
                ports: [{ internal: 8080, external: 8080 }],
            }),
        );

        expect(proxy.join()).toContain("[docker-socket-not-published]");
        expect(traefik.join()).toContain("[traefik-entrypoint-not-exposed]");
    });

    it("dind from a docker-build Image with publishAllPorts → blocked", async () => {
        const build: TestResource = {
            type: "docker-build:index:Image",
            name: "image",
            props: { tags: ["registry.example.net/ci/docker:27-dind"] },
        };
        const container = dockerContainer("dind", { image: sha256Id, publishAllPorts: true });
        const resources = [build, { ...container, propertyDependencies: { image: ["image"] } }];

        expect((await messages(resources)).join()).toContain("[docker-engine-api-port-not-public]");
    });

    it("nginx from RemoteImage.imageId publishing 80 → passes", async () => {
        const ports = [{ internal: 80, external: 80 }];

        expect(await messages(fromImage("nginx:1.27", { ports }))).toEqual([]);
    });

    it("a literal image the resource policies already judged → not reported again", async () => {
        const rancher = dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            ports: [{ internal: 443, external: 443 }],
        });

        expect(await messages([rancher])).toEqual([]);
    });

    it("Traefik pod with TRAEFIK_API_INSECURE from an envFrom ConfigMap → blocked", async () => {
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "proxy-env",
            props: { metadata: { name: "proxy-env" }, data: { TRAEFIK_API_INSECURE: "true" } },
        };
        const proxy = deployment("proxy", [
            {
                name: "proxy",
                image: "traefik:v3.4",
                envFrom: [{ configMapRef: { name: "proxy-env" } }],
            },
        ]);

        expect((await messages([configMap, proxy])).join()).toContain(
            "[traefik-api-insecure-mode-off]",
        );
    });

    it("envFrom ConfigMap in another namespace, or with insecure false → passes", async () => {
        const configMap = (namespace: string, value: string): TestResource => ({
            type: "kubernetes:core/v1:ConfigMap",
            name: `proxy-env-${namespace}`,
            props: {
                metadata: { name: "proxy-env", namespace },
                data: { TRAEFIK_API_INSECURE: value },
            },
        });
        const proxy = deployment("proxy", [
            {
                name: "proxy",
                image: "traefik:v3.4",
                envFrom: [{ configMapRef: { name: "proxy-env" } }],
            },
        ]);

        expect(
            await messages([configMap("other", "true"), configMap("default", "false"), proxy]),
        ).toEqual([]);
    });
});

describe("management-api-not-public-through-stack: variables from ConfigMaps", () => {
    function configMap(name: string, data: Record<string, string>, named = true): TestResource {
        return {
            type: "kubernetes:core/v1:ConfigMap",
            name,
            props: { metadata: named ? { name } : {}, data },
        };
    }

    const fromKey = (name: string) => [
        {
            name: "TRAEFIK_API_INSECURE",
            valueFrom: { configMapKeyRef: { name, key: "insecure" } },
        },
    ];

    it("TRAEFIK_API_INSECURE valueFrom a ConfigMap key 'true' → blocked", async () => {
        const proxy = deployment("proxy", [
            { name: "proxy", image: "traefik:v3.4", env: fromKey("proxy-env") },
        ]);

        expect(
            (await messages([configMap("proxy-env", { insecure: "true" }), proxy])).join(),
        ).toContain("[traefik-api-insecure-mode-off]");
    });

    it("TRAEFIK_API_INSECURE valueFrom a ConfigMap key 'false' → passes", async () => {
        const proxy = deployment("proxy", [
            { name: "proxy", image: "traefik:v3.4", env: fromKey("proxy-env") },
        ]);

        expect(await messages([configMap("proxy-env", { insecure: "false" }), proxy])).toEqual([]);
    });

    it("envFrom an auto-named ConfigMap the pod depends on → blocked", async () => {
        const variables = configMap("proxy-env", { TRAEFIK_API_INSECURE: "true" }, false);
        const proxy = deployment("proxy", [
            {
                name: "proxy",
                image: "traefik:v3.4",
                envFrom: [{ configMapRef: { name: unknownDuringPreview } }],
            },
        ]);
        const linked = { ...proxy, propertyDependencies: { spec: ["proxy-env"] } };

        expect((await messages([variables, linked])).join()).toContain(
            "[traefik-api-insecure-mode-off]",
        );
    });

    it("envFrom an auto-named ConfigMap the pod does not depend on → passes", async () => {
        const variables = configMap("proxy-env", { TRAEFIK_API_INSECURE: "true" }, false);
        const proxy = deployment("proxy", [
            {
                name: "proxy",
                image: "traefik:v3.4",
                envFrom: [{ configMapRef: { name: unknownDuringPreview } }],
            },
        ]);

        expect(await messages([variables, proxy])).toEqual([]);
    });
});

describe("management-api-not-public-through-stack: TraefikServices to api@internal", () => {
    function traefikService(name: string, spec: Record<string, unknown>): TestResource {
        return {
            type: "kubernetes:traefik.io/v1alpha1:TraefikService",
            name,
            props: {
                apiVersion: "traefik.io/v1alpha1",
                kind: "TraefikService",
                metadata: { name, namespace: "ingress" },
                spec,
            },
        };
    }

    function routeTo(service: string): TestResource {
        return {
            type: "kubernetes:traefik.io/v1alpha1:IngressRoute",
            name: "dash-route",
            props: {
                apiVersion: "traefik.io/v1alpha1",
                kind: "IngressRoute",
                metadata: { name: "dash", namespace: "ingress" },
                spec: {
                    entryPoints: ["websecure"],
                    routes: [
                        {
                            match: "Host(`t.example.net`)",
                            services: [{ name: service, kind: "TraefikService" }],
                        },
                    ],
                },
            },
        };
    }

    const toApi = { name: "api@internal", kind: "TraefikService" };

    it("weighted TraefikService over api@internal, no middleware → blocked", async () => {
        const weighted = traefikService("dash", {
            weighted: { services: [{ ...toApi, weight: 1 }] },
        });

        expect((await messages([weighted, routeTo("dash")])).join()).toContain(
            "[traefik-dashboard-route-requires-auth]",
        );
    });

    it("IngressRoute to a mirroring TraefikService through another one → blocked", async () => {
        const inner = traefikService("inner", { mirroring: toApi });
        const outer = traefikService("outer", {
            weighted: { services: [{ name: "inner", kind: "TraefikService" }] },
        });

        expect(await messages([inner, outer, routeTo("outer")])).toHaveLength(1);
    });

    it("route to a weighted TraefikService over application Services → passes", async () => {
        const weighted = traefikService("shop", {
            weighted: { services: [{ name: "shop-v1", port: 80 }] },
        });

        expect(await messages([weighted, routeTo("shop")])).toEqual([]);
    });
});
