import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as bcrypt from "bcryptjs";

export const TRAEFIK_CHART_REPOSITORY = "https://traefik.github.io/charts";

/** bcrypt's cost; each login to the dashboard pays it once. */
const BCRYPT_COST = 10;

export interface DashboardUser {
    name: string;
    /** From secret config; generated when absent. */
    password?: pulumi.Output<string>;
}

export interface TraefikArgs {
    provider: k8s.Provider;
    namespace: string;
    chartVersion: string;
    dashboard: {
        host: string;
        allowedSourceRanges: string[];
        users: DashboardUser[];
    };
}

/**
 * The Helm values of the Traefik chart for this platform. The chart's own dashboard route is
 * left off (it would sit on the `traefik` entrypoint); the component adds its own, on
 * `websecure`, behind basic auth and an IP allow-list.
 */
export function traefikValues(): Record<string, unknown> {
    return {
        api: { dashboard: true },
        ingressRoute: { dashboard: { enabled: false } },
        ports: {
            // Never expose the traefik entrypoint: it serves the API without authentication.
            traefik: { expose: { default: false } },
            web: {
                http: {
                    redirections: {
                        entryPoint: { to: "websecure", scheme: "https", permanent: true },
                    },
                },
            },
            websecure: { http: { tls: { enabled: true } } },
        },
        providers: {
            kubernetesCRD: { enabled: true, allowCrossNamespace: false },
            kubernetesIngress: { enabled: true },
        },
        global: { checkNewVersion: false, sendAnonymousUsage: false },
    };
}

/**
 * The bcrypt salt in the form bcrypt expects, from 16 random bytes. Keeping the bytes in a
 * resource keeps the hash the same from one deployment to the next for the same password.
 */
export function bcryptSalt(saltBase64: string, cost = BCRYPT_COST): string {
    const bytes = Buffer.from(saltBase64, "base64");
    if (bytes.length < 16) {
        throw new Error("a bcrypt salt needs 16 bytes");
    }
    return `$2y$${String(cost).padStart(2, "0")}$${bcrypt.encodeBase64(bytes, 16)}`;
}

/** One htpasswd line, `user:$2y$…`, that Traefik's basicAuth and Apache's htpasswd accept. */
export function htpasswdEntry(user: string, password: string, saltBase64: string): string {
    return `${user}:${bcrypt.hashSync(password, bcryptSalt(saltBase64))}`;
}

/**
 * Traefik on the cluster, from the official chart, with its API secured: the dashboard is only
 * reachable through a TLS route on `websecure` for one host, from the allowed source ranges, and
 * with a user name and password.
 */
export class Traefik extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly release: k8s.helm.v3.Release;
    public readonly dashboardUrl: pulumi.Output<string>;
    /** User name to password, secret. */
    public readonly dashboardPasswords: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flex4apps:traefik:Traefik", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };

        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.namespace } },
            childOpts,
        );
        const namespace = this.namespace.metadata.name;

        const users = args.dashboard.users.map((user) => {
            const password =
                user.password ??
                new random.RandomPassword(
                    `${name}-dashboard-${user.name}-password`,
                    { length: 24, special: false },
                    { parent: this },
                ).result;
            const salt = new random.RandomBytes(
                `${name}-dashboard-${user.name}-salt`,
                { length: 16 },
                { parent: this },
            );
            const entry = pulumi
                .all([password, salt.base64])
                .apply(([pw, saltBase64]) => htpasswdEntry(user.name, pw, saltBase64));
            return { name: user.name, password: pulumi.secret(password), entry };
        });
        this.dashboardPasswords = pulumi.secret(
            pulumi
                .all(users.map((u) => u.password))
                .apply((passwords) =>
                    Object.fromEntries(users.map((u, i) => [u.name, passwords[i]])),
                ),
        );

        const authSecret = new k8s.core.v1.Secret(
            `${name}-dashboard-users`,
            {
                metadata: { name: "traefik-dashboard-users", namespace },
                type: "Opaque",
                stringData: {
                    users: pulumi.secret(
                        pulumi.all(users.map((u) => u.entry)).apply((lines) => lines.join("\n")),
                    ),
                },
            },
            childOpts,
        );

        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: "traefik",
                chart: "traefik",
                version: args.chartVersion,
                repositoryOpts: { repo: TRAEFIK_CHART_REPOSITORY },
                namespace,
                values: traefikValues(),
            },
            childOpts,
        );

        // The CRDs come with the chart, so the routes wait for the release.
        const crdOpts = { ...childOpts, dependsOn: [this.release] };
        const auth = new k8s.apiextensions.CustomResource(
            `${name}-dashboard-auth`,
            {
                apiVersion: "traefik.io/v1alpha1",
                kind: "Middleware",
                metadata: { name: "dashboard-auth", namespace },
                spec: { basicAuth: { secret: authSecret.metadata.name, removeHeader: true } },
            },
            crdOpts,
        );
        const allowList = new k8s.apiextensions.CustomResource(
            `${name}-dashboard-allowlist`,
            {
                apiVersion: "traefik.io/v1alpha1",
                kind: "Middleware",
                metadata: { name: "dashboard-allowlist", namespace },
                spec: { ipAllowList: { sourceRange: args.dashboard.allowedSourceRanges } },
            },
            crdOpts,
        );
        const host = args.dashboard.host;
        new k8s.apiextensions.CustomResource(
            `${name}-dashboard`,
            {
                apiVersion: "traefik.io/v1alpha1",
                kind: "IngressRoute",
                metadata: { name: "traefik-dashboard", namespace },
                spec: {
                    entryPoints: ["websecure"],
                    routes: [
                        {
                            kind: "Rule",
                            match:
                                `Host(\`${host}\`) && ` +
                                "(PathPrefix(`/dashboard`) || PathPrefix(`/api`))",
                            // The allow-list first: a stranger is refused before the password
                            // prompt.
                            middlewares: [
                                { name: allowList.metadata.name, namespace },
                                { name: auth.metadata.name, namespace },
                            ],
                            services: [{ name: "api@internal", kind: "TraefikService" }],
                        },
                    ],
                    tls: {},
                },
            },
            crdOpts,
        );

        this.dashboardUrl = pulumi.output(`https://${host}/dashboard/`);
        this.registerOutputs({
            dashboardUrl: this.dashboardUrl,
            dashboardPasswords: this.dashboardPasswords,
        });
    }
}
