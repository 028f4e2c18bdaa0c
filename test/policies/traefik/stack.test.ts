import { traefikDashboardAllowListed } from "../../../policies/traefik/dashboardAllowList";
import * as authenticate from "../../../policies/traefik/middlewaresAuthenticate";
import { traefikDashboardMiddlewaresDefined } from "../../../policies/traefik/middlewaresDefined";
import { dockerContainer, dockerLabels, helmRelease, traefikCustomResource } from "../fixtures";
import { runStackPolicy, TestResource } from "../harness";

const apiService = { name: "api@internal", kind: "TraefikService" };

function route(middlewares: Record<string, string>[], entryPoints = ["websecure"]) {
    return traefikCustomResource("IngressRoute", "dashboard", {
        entryPoints,
        routes: [{ match: "Host(`proxy.example.net`)", services: [apiService], middlewares }],
    });
}

const basicAuth = traefikCustomResource("Middleware", "dashboard-auth", {
    basicAuth: { secret: "dashboard-users" },
});
const allowList = traefikCustomResource("Middleware", "admin-networks", {
    ipAllowList: { sourceRange: ["10.0.0.0/8", "192.168.0.0/16"] },
});
const headers = traefikCustomResource("Middleware", "secure-headers", {
    headers: { stsSeconds: 31536000 },
});

async function levels(
    policy: Parameters<typeof runStackPolicy>[0],
    resources: TestResource[],
): Promise<string[]> {
    const outcome = await runStackPolicy(policy, resources);
    return outcome.violations.map((violation) => violation.level);
}

describe("traefik-dashboard-middlewares-authenticate", () => {
    const policy = authenticate.traefikDashboardMiddlewaresAuthenticate;

    it("route whose only middleware is a headers middleware → blocked", async () => {
        const outcome = await runStackPolicy(policy, [
            route([{ name: "secure-headers" }]),
            headers,
        ]);

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("secure-headers (headers)");
        expect(outcome.violations[0].urn).toContain("IngressRoute::dashboard");
    });

    it("route to a basicAuth Middleware in the same namespace → passes", async () => {
        expect(await levels(policy, [route([{ name: "dashboard-auth" }]), basicAuth])).toEqual([]);
    });

    it("reference to another namespace does not reach the basicAuth → not here", async () => {
        const resources = [route([{ name: "dashboard-auth", namespace: "other" }]), basicAuth];

        expect(await levels(policy, resources)).toEqual([]);
        expect(await levels(traefikDashboardMiddlewaresDefined, resources)).toEqual(["advisory"]);
    });

    it("chain middleware that includes the basicAuth → passes", async () => {
        const chain = traefikCustomResource("Middleware", "dashboard-chain", {
            chain: { middlewares: [{ name: "secure-headers" }, { name: "dashboard-auth" }] },
        });

        expect(
            await levels(policy, [route([{ name: "dashboard-chain" }]), chain, headers, basicAuth]),
        ).toEqual([]);
    });

    it("labels router whose middleware labels define only a rate limit → blocked", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            labels: dockerLabels({
                "traefik.http.routers.dashboard.service": "api@internal",
                "traefik.http.routers.dashboard.middlewares": "slow@docker",
                "traefik.http.middlewares.slow.ratelimit.average": "10",
            }),
        });

        expect(await levels(policy, [proxy])).toEqual(["mandatory"]);
    });

    it("labels router using a basicauth from another container's labels → passes", async () => {
        const proxy = dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            labels: dockerLabels({
                "traefik.http.routers.dashboard.service": "api@internal",
                "traefik.http.routers.dashboard.middlewares": "auth",
            }),
        });
        const whoami = dockerContainer("whoami", {
            image: "traefik/whoami",
            labels: dockerLabels({
                "traefik.http.middlewares.auth.basicauth.users": "admin:$apr1$x",
            }),
        });

        expect(await levels(policy, [proxy, whoami])).toEqual([]);
    });

    it("Ingress annotation namespace-name@kubernetescrd to a basicAuth → passes", async () => {
        const ingress: TestResource = {
            type: "kubernetes:networking.k8s.io/v1:Ingress",
            name: "proxy-dashboard",
            props: {
                metadata: {
                    name: "proxy-dashboard",
                    namespace: "ingress",
                    annotations: {
                        "traefik.ingress.kubernetes.io/router.middlewares":
                            "ingress-dashboard-auth@kubernetescrd",
                    },
                },
                spec: {
                    defaultBackend: {
                        service: { name: "traefik-dashboard", port: { number: 8080 } },
                    },
                },
            },
        };

        expect(await levels(policy, [ingress, basicAuth])).toEqual([]);
    });

    it("chart dashboard route, extraObjects Middleware that is not auth → blocked", async () => {
        const release = helmRelease("ingress", {
            namespace: "ingress",
            values: {
                ingressRoute: {
                    dashboard: { enabled: true, middlewares: [{ name: "secure-headers" }] },
                },
                extraObjects: [headers.props],
            },
        });

        expect(await levels(policy, [release])).toEqual(["mandatory"]);
    });

    it("route's resource exempted in the config → not reported", async () => {
        const outcome = await runStackPolicy(
            policy,
            [route([{ name: "secure-headers" }]), headers],
            { exemptions: [{ resource: "dashboard", reason: "auth done by the VPN gateway" }] },
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("traefik-dashboard-middlewares-defined", () => {
    const policy = traefikDashboardMiddlewaresDefined;

    it("middleware from the file provider (auth@file) → advisory", async () => {
        const outcome = await runStackPolicy(policy, [route([{ name: "auth@file" }])]);

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["advisory"]);
        expect(outcome.violations[0].message).toContain("auth@file");
    });

    it("every middleware defined in the stack → passes", async () => {
        const resources = [
            route([{ name: "dashboard-auth" }, { name: "admin-networks" }]),
            basicAuth,
            allowList,
        ];

        expect(await levels(policy, resources)).toEqual([]);
    });
});

describe("traefik-dashboard-allow-listed", () => {
    const policy = traefikDashboardAllowListed;

    it("authenticated route on websecure without an IP allow-list → advisory", async () => {
        expect(await levels(policy, [route([{ name: "dashboard-auth" }]), basicAuth])).toEqual([
            "advisory",
        ]);
    });

    it("authenticated and allow-listed route on websecure → passes", async () => {
        const resources = [
            route([{ name: "dashboard-auth" }, { name: "admin-networks" }]),
            basicAuth,
            allowList,
        ];

        expect(await levels(policy, resources)).toEqual([]);
    });

    it("the older ipWhiteList middleware counts as an allow-list → passes", async () => {
        const whiteList = traefikCustomResource("Middleware", "admin-networks", {
            ipWhiteList: { sourceRange: ["10.0.0.0/8"] },
        });

        expect(
            await levels(policy, [
                route([{ name: "dashboard-auth" }, { name: "admin-networks" }]),
                basicAuth,
                whiteList,
            ]),
        ).toEqual([]);
    });

    it.each([
        [["0.0.0.0/0"], ["advisory"]],
        [["0.0.0.0/1", "128.0.0.0/1"], ["advisory"]],
        [["::/0"], ["advisory"]],
        [["0.0.0.0/1", "10.0.0.0/8"], ["advisory"]],
        [["2000::/3"], ["advisory"]],
        [["10.0.0.0/8", "203.0.113.0/24"], []],
        [["fc00::/7", "2001:db8::/32"], []],
    ])(
        "allow-list %j: every address, or public and broader than /8 or /16 → advisory",
        async (range, want) => {
            const sourceList = traefikCustomResource("Middleware", "admin-networks", {
                ipAllowList: { sourceRange: range },
            });
            const resources = [
                route([{ name: "dashboard-auth" }, { name: "admin-networks" }]),
                basicAuth,
                sourceList,
            ];

            expect(await levels(policy, resources)).toEqual(want);
        },
    );

    it("authenticated route on the internal traefik entrypoint only → passes", async () => {
        expect(
            await levels(policy, [route([{ name: "dashboard-auth" }], ["traefik"]), basicAuth]),
        ).toEqual([]);
    });
});
