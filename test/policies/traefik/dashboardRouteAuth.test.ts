import { traefikDashboardRouteRequiresAuth } from "../../../policies/traefik/dashboardRouteAuth";
import { dockerContainer, dockerLabels, helmRelease, traefikCustomResource } from "../fixtures";
import { levelsOf, runResourcePolicy, TestResource } from "../harness";

const policy = traefikDashboardRouteRequiresAuth;

const levels = (resource: TestResource) => levelsOf(policy, resource);

const apiService = { name: "api@internal", kind: "TraefikService" };

function dashboardRoute(middlewares?: Record<string, string>[], apiVersion?: string) {
    return traefikCustomResource(
        "IngressRoute",
        "dashboard",
        {
            entryPoints: ["websecure"],
            routes: [{ match: "Host(`proxy.example.net`)", services: [apiService], middlewares }],
        },
        "ingress",
        apiVersion,
    );
}

function ingress(name: string, backend: Record<string, unknown>, annotations = {}): TestResource {
    return {
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        name,
        props: {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: { name, namespace: "ingress", annotations },
            spec: {
                rules: [
                    {
                        host: "proxy.example.net",
                        http: { paths: [{ path: "/", pathType: "Prefix", backend }] },
                    },
                ],
            },
        },
    };
}

describe("traefik-dashboard-route-requires-auth", () => {
    it("IngressRoute (traefik.io) to api@internal without middlewares → blocked", async () => {
        expect(await levels(dashboardRoute())).toEqual(["mandatory"]);
    });

    it("traefik.containo.us IngressRoute to api@internal, no middlewares → blocked", async () => {
        expect(await levels(dashboardRoute([], "traefik.containo.us/v1alpha1"))).toEqual([
            "mandatory",
        ]);
    });

    it("IngressRoute to api@internal naming middlewares → left to stack policies", async () => {
        expect(await levels(dashboardRoute([{ name: "dashboard-auth" }]))).toEqual([]);
    });

    it("IngressRoute to an application service → passes", async () => {
        const route = traefikCustomResource("IngressRoute", "shop", {
            entryPoints: ["websecure"],
            routes: [{ match: "Host(`shop.example.net`)", services: [{ name: "shop", port: 80 }] }],
        });

        expect(await levels(route)).toEqual([]);
    });

    it("Ingress to the traefik-dashboard Service on 8080 → blocked", async () => {
        const route = ingress("proxy-dashboard", {
            service: { name: "traefik-dashboard", port: { number: 8080 } },
        });

        expect(await levels(route)).toEqual(["mandatory"]);
    });

    it("Ingress to Traefik's port named traefik → blocked", async () => {
        const route = ingress("proxy-dashboard", {
            service: { name: "traefik", port: { name: "traefik" } },
        });

        expect(await levels(route)).toEqual(["mandatory"]);
    });

    it("Ingress to the dashboard with router.middlewares annotation → passes here", async () => {
        const route = ingress(
            "proxy-dashboard",
            { service: { name: "traefik-dashboard", port: { number: 8080 } } },
            { "traefik.ingress.kubernetes.io/router.middlewares": "ingress-auth@kubernetescrd" },
        );

        expect(await levels(route)).toEqual([]);
    });

    it("Ingress to an application on 8080 → passes", async () => {
        const route = ingress("shop", { service: { name: "shop", port: { number: 8080 } } });

        expect(await levels(route)).toEqual([]);
    });

    it("Docker labels routing to api@internal without middlewares → blocked", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            labels: dockerLabels({
                "traefik.http.routers.dashboard.rule": "Host(`proxy.example.net`)",
                "traefik.http.routers.dashboard.service": "api@internal",
            }),
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("label keys in another letter case are read too → blocked", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            labels: dockerLabels({ "Traefik.HTTP.Routers.Dash.Service": "api@internal" }),
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("Docker labels with traefik.enable=false → passes", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            labels: dockerLabels({
                "traefik.enable": "false",
                "traefik.http.routers.dashboard.service": "api@internal",
            }),
        });

        expect(await levels(proxy)).toEqual([]);
    });

    it("chart ingressRoute.dashboard enabled without middlewares → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { ingressRoute: { dashboard: { enabled: true } } },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("IngressRoute in the chart's extraObjects without middlewares → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { extraObjects: [dashboardRoute().props] },
        });

        const outcome = await runResourcePolicy(policy, release);

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("values.extraObjects[0].spec.routes[0]");
    });

    it("IngressRoute written as a YAML string in extraObjects → blocked", async () => {
        const manifest = [
            "apiVersion: traefik.io/v1alpha1",
            "kind: IngressRoute",
            "metadata: { name: dashboard }",
            "spec:",
            "  routes:",
            "    - match: PathPrefix(`/dashboard`)",
            "      services: [{ name: api@internal, kind: TraefikService }]",
        ].join("\n");

        expect(
            await levels(helmRelease("ingress", { values: { extraObjects: [manifest] } })),
        ).toEqual(["mandatory"]);
    });

    it("chart ingressRoute.dashboard left off → passes", async () => {
        const release = helmRelease("ingress", {
            values: { ingressRoute: { dashboard: { enabled: false } } },
        });

        expect(await levels(release)).toEqual([]);
    });
});

describe("traefik-dashboard-route-requires-auth: Traefik's own Service names", () => {
    it.each(["traefik", "ingress-traefik", "traefik-dashboard", "traefik-api", "traefik-internal"])(
        "Ingress to Service %s on 8080 → blocked",
        async (name) => {
            const route = ingress("admin", { service: { name, port: { number: 8080 } } });

            expect(await levels(route)).toEqual(["mandatory"]);
        },
    );

    it.each(["traefik-demo-api", "traefik-whoami", "my-traefik-app"])(
        "Ingress to application Service %s on 8080 → passes",
        async (name) => {
            const route = ingress("app", { service: { name, port: { number: 8080 } } });

            expect(await levels(route)).toEqual([]);
        },
    );
});

describe("traefik-dashboard-route-requires-auth: Gateway API HTTPRoutes", () => {
    function httpRoute(backendName: string, filters: Record<string, unknown>[] = []) {
        return {
            type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            name: "dash",
            props: {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "dash", namespace: "ingress" },
                spec: {
                    parentRefs: [{ name: "traefik-gateway", sectionName: "websecure" }],
                    rules: [
                        {
                            filters,
                            backendRefs: [
                                { group: "traefik.io", kind: "TraefikService", name: backendName },
                            ],
                        },
                    ],
                },
            },
        };
    }

    it("HTTPRoute backendRef to api@internal without filters → blocked", async () => {
        expect(await levels(httpRoute("api@internal"))).toEqual(["mandatory"]);
    });

    it("HTTPRoute to api@internal with a Middleware ExtensionRef → left to stack", async () => {
        const filter = {
            type: "ExtensionRef",
            extensionRef: { group: "traefik.io", kind: "Middleware", name: "dashboard-auth" },
        };

        expect(await levels(httpRoute("api@internal", [filter]))).toEqual([]);
    });

    it("HTTPRoute to an application TraefikService → passes", async () => {
        expect(await levels(httpRoute("shop-weighted"))).toEqual([]);
    });
});

describe("traefik-dashboard-route-requires-auth: routes to Kubernetes management APIs", () => {
    function routeTo(
        kind: string,
        namespace: string,
        service: Record<string, unknown>,
        middlewares?: Record<string, string>[],
    ): TestResource {
        return traefikCustomResource(
            kind,
            "admin",
            {
                entryPoints: ["websecure"],
                routes: [{ match: "Host(`ops.example.net`)", services: [service], middlewares }],
            },
            namespace,
        );
    }

    function ingressIn(namespace: string, service: string, port: Record<string, unknown>) {
        const object = ingress("admin", { service: { name: service, port } });
        const props = object.props as { metadata: Record<string, unknown> };
        return { ...object, props: { ...props, metadata: { ...props.metadata, namespace } } };
    }

    it.each([
        ["default", "kubernetes", { number: 443 }],
        ["kubernetes-dashboard", "kubernetes-dashboard", { number: 443 }],
        ["kube-system", "node-metrics", { number: 10250 }],
        ["ingress", "traefik", { name: "traefik" }],
    ])("Ingress in %s to Service %s %j without middleware → blocked", async (ns, name, port) => {
        expect(await levels(ingressIn(ns, name, port))).toEqual(["mandatory"]);
    });

    it("Ingress to a Service named kubernetes outside default → passes", async () => {
        expect(await levels(ingressIn("shop", "kubernetes", { number: 443 }))).toEqual([]);
    });

    it.each([
        ["ingress", { name: "traefik", port: 9000 }],
        ["default", { name: "kubernetes", port: 443 }],
        ["ops", { name: "kubernetes-dashboard", namespace: "kubernetes-dashboard", port: 443 }],
        ["kube-system", { name: "kubelet", port: 10250 }],
    ])("IngressRoute in %s to %j without middleware → blocked", async (namespace, service) => {
        expect(await levels(routeTo("IngressRoute", namespace, service))).toEqual(["mandatory"]);
    });

    it("IngressRoute to Traefik's Service on 9000 with a middleware → passes here", async () => {
        const route = routeTo("IngressRoute", "ingress", { name: "traefik", port: 9000 }, [
            { name: "dashboard-auth" },
        ]);

        expect(await levels(route)).toEqual([]);
    });

    it("IngressRoute to Traefik's Service on websecure 443 → passes", async () => {
        expect(
            await levels(routeTo("IngressRoute", "ingress", { name: "traefik", port: 443 })),
        ).toEqual([]);
    });

    it("IngressRouteTCP to the kubelet on 10250, even with a middleware → blocked", async () => {
        const route = routeTo("IngressRouteTCP", "kube-system", { name: "kubelet", port: 10250 }, [
            { name: "ip-allow" },
        ]);

        const outcome = await runResourcePolicy(policy, route);

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("over TCP");
    });

    it("IngressRouteTCP to an application database on 5432 → passes", async () => {
        expect(
            await levels(routeTo("IngressRouteTCP", "shop", { name: "postgres", port: 5432 })),
        ).toEqual([]);
    });
});
