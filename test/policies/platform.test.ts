import { dockerPolicies } from "../../policies/docker";
import { kubernetesPolicies } from "../../policies/kubernetes";
import { rancherPolicies } from "../../policies/rancher";
import { traefikPolicies } from "../../policies/traefik";
import { dockerContainer, helmRelease, traefikCustomResource } from "./fixtures";
import { dockerProvider, runPolicies, TestResource } from "./harness";

const policies = [...dockerPolicies, ...kubernetesPolicies, ...traefikPolicies, ...rancherPolicies];

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const local = dockerProvider("local", { host: "unix:///var/run/docker.sock" });
const overSsh = dockerProvider("edge-ssh", { host: "ssh://deploy@edge-1.example.net" });
const overTls = dockerProvider("edge-tls", {
    host: "tcp://edge-2.example.net:2376",
    caMaterial: pem,
    certMaterial: pem,
    keyMaterial: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
});

function on(provider: ReturnType<typeof dockerProvider>, resource: TestResource): TestResource {
    return { ...resource, provider };
}

/** The platform as its components declare it: every management API private or authenticated. */
const platform: TestResource[] = [
    local,
    overSsh,
    overTls,
    on(
        local,
        dockerContainer("rancher", {
            image: "rancher/rancher:v2.12.3",
            privileged: true,
            ports: [
                { internal: 80, external: 80, ip: "127.0.0.1" },
                { internal: 443, external: 443, ip: "10.20.0.10" },
            ],
        }),
    ),
    on(
        overTls,
        dockerContainer("k3s", {
            image: "rancher/k3s:v1.33.4-k3s1",
            command: ["server", "--tls-san=10.20.0.11"],
            privileged: true,
            ports: [
                { internal: 6443, external: 6443, ip: "10.20.0.11" },
                { internal: 80, external: 80, ip: "10.20.0.11" },
                { internal: 443, external: 443, ip: "10.20.0.11" },
            ],
        }),
    ),
    helmRelease("traefik", {
        version: "41.3.0",
        namespace: "ingress",
        repositoryOpts: { repo: "https://traefik.github.io/charts" },
        values: {
            ports: { traefik: { expose: { default: false } } },
            ingressRoute: { dashboard: { enabled: false } },
        },
    }),
    traefikCustomResource("Middleware", "dashboard-auth", {
        basicAuth: { secret: "dashboard-users" },
    }),
    traefikCustomResource("Middleware", "dashboard-allow-list", {
        ipAllowList: { sourceRange: ["10.20.0.0/16"] },
    }),
    traefikCustomResource("IngressRoute", "dashboard", {
        entryPoints: ["websecure"],
        routes: [
            {
                kind: "Rule",
                match: "Host(`traefik.example.net`)",
                services: [{ name: "api@internal", kind: "TraefikService" }],
                middlewares: [{ name: "dashboard-auth" }, { name: "dashboard-allow-list" }],
            },
        ],
        tls: { secretName: "traefik-dashboard-tls" },
    }),
    {
        type: "pulumi:providers:rancher2",
        name: "rancher-admin",
        props: { apiUrl: "https://rancher.example.net", caCerts: pem },
    },
];

describe("the platform this pack guards", () => {
    it("reports no violation, neither mandatory nor advisory", async () => {
        expect(await runPolicies(policies, platform)).toEqual([]);
    });

    it("dashboard-auth referenced but defined nowhere in the stack → advisory", async () => {
        const withoutAuth = platform.filter((resource) => resource.name !== "dashboard-auth");

        const violations = await runPolicies(policies, withoutAuth);

        expect(violations.map((violation) => `${violation.level} ${violation.policy}`)).toEqual([
            "advisory traefik-dashboard-middlewares-defined",
        ]);
    });

    it("dashboard-auth defined as a headers middleware → blocked", async () => {
        const notAuth = platform.map((resource) =>
            resource.name === "dashboard-auth"
                ? traefikCustomResource("Middleware", "dashboard-auth", { headers: {} })
                : resource,
        );

        const violations = await runPolicies(policies, notAuth);

        expect(violations.map((violation) => `${violation.level} ${violation.policy}`)).toEqual([
            "mandatory traefik-dashboard-middlewares-authenticate",
        ]);
    });
});
