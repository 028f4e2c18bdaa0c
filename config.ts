import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * The platform's stack config: every `flex4apps:*` key is parsed here, once, into typed values.
 * Components receive these values and never read config themselves.
 *
 * Problems are collected, not thrown one at a time: a stack file with three mistakes gets three
 * lines, each naming the key path, what was seen (never a secret's value) and what is expected.
 */

export const NAMESPACE = "flex4apps";

/** Address ranges counted as private by default: loopback and the RFC 1918 blocks. */
export const PRIVATE_RANGES = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function isDnsName(value: string): boolean {
    const labels = value.toLowerCase().split(".");
    // A top-level label of digits only would make an IP address literal, not a name.
    return (
        value.length <= 253 &&
        labels.every((label) => DNS_LABEL.test(label)) &&
        !/^\d+$/.test(labels[labels.length - 1])
    );
}

/** Ranges an address of a platform host may be in: it must not be reachable from the internet. */
const PRIVATE_ADDRESS_RANGES = new Set([
    "loopback",
    "private",
    "uniqueLocal",
    "linkLocal",
    "carrierGradeNat",
]);

/** The value of an own property, never one inherited from Object's prototype. */
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
    return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A CIDR as a range of integers, with IPv4-mapped IPv6 ranges read as IPv4. */
function cidrInterval(range: string): { v6: boolean; start: bigint; end: bigint } {
    let [address, prefix] = ipaddr.parseCIDR(range);
    if (
        address.kind() === "ipv6" &&
        (address as ipaddr.IPv6).isIPv4MappedAddress() &&
        prefix >= 96
    ) {
        address = (address as ipaddr.IPv6).toIPv4Address();
        prefix -= 96;
    }
    const bits = address.kind() === "ipv6" ? 128 : 32;
    const value = address.toByteArray().reduce((total, byte) => (total << 8n) | BigInt(byte), 0n);
    const size = 1n << BigInt(bits - prefix);
    const start = value - (value % size);
    return { v6: bits === 128, start, end: start + size - 1n };
}

/**
 * The broadest public range an allow-list may hold: an IPv4 /8 is a whole registry allocation,
 * an IPv6 /16 far more than any organisation's. Anything broader opens the API to a large part
 * of the internet.
 */
const BROADEST_PUBLIC = { v4: 8, v6: 16 };

/** Private IPv6 blocks that are broader than the IPv6 bound and still hold no public address. */
const PRIVATE_V6_BLOCKS = ["fc00::/7", "fe80::/10"].map(cidrInterval);

/** True for a range broader than {@link BROADEST_PUBLIC} that holds public addresses. */
function isBroadPublic(range: string): boolean {
    const interval = cidrInterval(range);
    const bits = interval.v6 ? 128 : 32;
    const prefix = bits - (interval.end - interval.start + 1n).toString(2).length + 1;
    if (prefix >= (interval.v6 ? BROADEST_PUBLIC.v6 : BROADEST_PUBLIC.v4)) {
        return false;
    }
    const inPrivateBlock = PRIVATE_V6_BLOCKS.some(
        (block) => interval.v6 && block.start <= interval.start && interval.end <= block.end,
    );
    return !inPrivateBlock;
}

/** True when the ranges together hold every address of IPv4 or of IPv6. */
function coversEveryAddress(ranges: string[]): boolean {
    return [false, true].some((v6) => {
        const intervals = ranges
            .filter((range) => ipaddr.isValidCIDR(range))
            .map(cidrInterval)
            .filter((interval) => interval.v6 === v6)
            .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        const last = (1n << (v6 ? 128n : 32n)) - 1n;
        let next = 0n;
        for (const interval of intervals) {
            if (interval.start > next) {
                return false;
            }
            if (interval.end + 1n > next) {
                next = interval.end + 1n;
            }
        }
        return intervals.length > 0 && next > last;
    });
}

/** True for an address a server binds to when it listens on every interface. */
function isUnspecified(address: string): boolean {
    return ipaddr.isValid(address) && ipaddr.process(address).range() === "unspecified";
}

/** True for a CIDR that contains every address of its family. */
function isWholeInternet(cidr: string): boolean {
    if (!ipaddr.isValidCIDR(cidr)) {
        return false;
    }
    const { start, end, v6 } = cidrInterval(cidr);
    return start === 0n && end === (1n << (v6 ? 128n : 32n)) - 1n;
}

const dnsName = (what: string) =>
    z.string().refine(isDnsName, { message: `expected ${what}: a DNS name such as example.org` });

const dnsLabel = (what: string) =>
    z.string().regex(DNS_LABEL, {
        message:
            `expected ${what}: lower-case letters, digits and '-', ` +
            "starting and ending with a letter or digit, at most 63 characters",
    });

const cidr = z.string().refine((value) => ipaddr.isValidCIDR(value), {
    message: "expected a CIDR such as 10.0.0.0/8 or fd00::/8",
});

/** A list of CIDRs that must not open a management API to everyone. */
const restrictedCidrs = z
    .array(cidr)
    .min(1, { message: "expected at least one CIDR" })
    .superRefine((ranges, ctx) => {
        const whole = ranges.filter((range) => ipaddr.isValidCIDR(range) && isWholeInternet(range));
        const broad = ranges.filter((range) => ipaddr.isValidCIDR(range) && isBroadPublic(range));
        ranges.forEach((range, index) => {
            if (whole.includes(range)) {
                ctx.addIssue({
                    code: "custom",
                    path: [index],
                    message:
                        "refused as insecure: this range is every address, which makes the API " +
                        "public; list only the networks that administer the platform",
                });
            } else if (broad.includes(range)) {
                ctx.addIssue({
                    code: "custom",
                    path: [index],
                    message:
                        "refused as insecure: this range holds a large part of the internet " +
                        `(broader than /${BROADEST_PUBLIC.v4} for IPv4, ` +
                        `/${BROADEST_PUBLIC.v6} for IPv6); list only the networks that ` +
                        "administer the platform",
                });
            }
        });
        if (whole.length === 0 && broad.length === 0 && coversEveryAddress(ranges)) {
            ctx.addIssue({
                code: "custom",
                path: [],
                message:
                    "refused as insecure: together these ranges are every address, which makes " +
                    "the API public; list only the networks that administer the platform",
            });
        }
    });

export const ROLES = ["rancher", "kubernetes"] as const;
export type HostRole = (typeof ROLES)[number];

const dockerHostSchema = z.strictObject({
    name: dnsLabel("a host name"),
    url: z.string(),
    address: z
        .string()
        .refine((value) => ipaddr.isValid(value), {
            message: "expected an IP address such as 10.0.0.5 or 127.0.0.1",
        })
        .refine((value) => !isUnspecified(value), {
            message:
                "refused as insecure: this address binds to all interfaces; give the host's " +
                "private or loopback address",
        })
        .refine(
            (value) =>
                !ipaddr.isValid(value) ||
                isUnspecified(value) ||
                PRIVATE_ADDRESS_RANGES.has(ipaddr.process(value).range()),
            {
                message:
                    "refused as insecure: a public address; the management ports bound to it " +
                    "would be reachable from the internet. Give the host's private or " +
                    "loopback address",
            },
        ),
    roles: z.array(z.enum(ROLES)).default([]),
    ssh: z
        .strictObject({
            host: z.string().optional(),
            user: z.string().optional(),
            port: z.number().int().min(1).max(65535).optional(),
            options: z.array(z.string()).default([]),
        })
        .default({ options: [] }),
});

const projectSchema = z.strictObject({
    name: dnsLabel("a project name"),
    description: z.string().default(""),
    namespaces: z.array(dnsLabel("a Kubernetes namespace name")).default([]),
    allowPublicServices: z.boolean().default(false),
});

export const DISTRIBUTIONS = ["k3s", "rke2", "existing"] as const;
export const RANCHER_MODES = ["docker", "existing"] as const;

const DEFAULT_VERSIONS: Record<(typeof DISTRIBUTIONS)[number], string> = {
    k3s: "v1.33.5-k3s1",
    rke2: "v1.33.5+rke2r1",
    existing: "",
};

/** The plain (non-secret) part of the config, as it stands in a stack file. */
const plainSchema = z.strictObject({
    domain: dnsName("the platform's domain"),
    dockerHosts: z.array(dockerHostSchema).min(1, { message: "expected at least one host" }),
    kubernetes: z
        .strictObject({
            distribution: z.enum(DISTRIBUTIONS).default("k3s"),
            version: z.string().min(1).optional(),
            apiPort: z.number().int().min(1).max(65535).default(6443),
            apiAllowedCidrs: restrictedCidrs.default(PRIVATE_RANGES),
        })
        .default({ distribution: "k3s", apiPort: 6443, apiAllowedCidrs: PRIVATE_RANGES }),
    traefik: z
        .strictObject({
            chartVersion: z.string().default("41.3.0"),
            namespace: dnsLabel("a Kubernetes namespace name").default("traefik"),
            dashboard: z
                .strictObject({
                    host: dnsName("the dashboard's host name").optional(),
                    allowedSourceRanges: restrictedCidrs.default(PRIVATE_RANGES),
                    users: z
                        .array(
                            z.string().regex(/^[^:\s]+$/, {
                                message: "expected a user name without ':' or white space",
                            }),
                        )
                        .min(1, { message: "expected at least one dashboard user" })
                        .default(["admin"]),
                })
                .default({ allowedSourceRanges: PRIVATE_RANGES, users: ["admin"] }),
        })
        .default({
            chartVersion: "41.3.0",
            namespace: "traefik",
            dashboard: { allowedSourceRanges: PRIVATE_RANGES, users: ["admin"] },
        }),
    rancher: z
        .strictObject({
            mode: z.enum(RANCHER_MODES).default("docker"),
            version: z.string().default("v2.12.3"),
            hostname: dnsName("Rancher's host name").optional(),
            httpsPort: z.number().int().min(1).max(65535).default(8443),
            apiUrl: z
                .url({ protocol: /^https$/, message: "expected an https:// URL of Rancher's API" })
                .optional(),
        })
        .default({ mode: "docker", version: "v2.12.3", httpsPort: 8443 }),
    projects: z.array(projectSchema).default([]),
});

const pem = z.string().min(1, { message: "expected PEM text" });

/** Keys that hold secrets: they must be set with `pulumi config set --secret`. */
const secretSchema = z.strictObject({
    dockerTls: z
        .record(z.string(), z.strictObject({ caPem: pem, certPem: pem, keyPem: pem }))
        .optional(),
    sshPrivateKeys: z.record(z.string(), pem).optional(),
    // bcrypt reads no more than 72 bytes: a longer password would be cut without a word.
    dashboardPasswords: z
        .record(
            z.string(),
            z
                .string()
                .min(12, { message: "expected a password of at least 12 characters" })
                .refine((pw) => Buffer.byteLength(pw) <= 72, {
                    message: "expected a password of at most 72 bytes (bcrypt ignores the rest)",
                }),
        )
        .optional(),
    rancherAdminPassword: z
        .string()
        .min(12, { message: "expected a password of at least 12 characters" })
        .optional(),
    rancherToken: z.string().min(1, { message: "expected a Rancher API token" }).optional(),
    kubeconfig: z.string().min(1, { message: "expected kubeconfig YAML" }).optional(),
    k3sToken: z
        .string()
        .min(16, { message: "expected a token of at least 16 characters" })
        .optional(),
});

const plainShape = plainSchema.shape as Record<string, z.ZodType>;
const secretShape = secretSchema.shape as Record<string, z.ZodType>;
export const PLAIN_KEYS = Object.keys(plainShape);
export const SECRET_KEYS = Object.keys(secretShape);
const ALL_KEYS = [...PLAIN_KEYS, ...SECRET_KEYS].join(", ");

type PlainConfig = z.infer<typeof plainSchema>;
type SecretValues = z.infer<typeof secretSchema>;

export interface DockerTlsMaterial {
    caPem: pulumi.Output<string>;
    certPem: pulumi.Output<string>;
    keyPem: pulumi.Output<string>;
}

/** How the Docker Engine of a host is reached. */
export type EngineConnection =
    | { scheme: "unix"; url: string }
    | { scheme: "ssh"; url: string; user: string; host: string; port: number }
    | { scheme: "tcp"; url: string; host: string; port: number; tls: DockerTlsMaterial };

export interface DockerHostConfig {
    name: string;
    /** The host's private or loopback address: every management port is bound to it. */
    address: string;
    roles: HostRole[];
    engine: EngineConnection;
    /** How to reach the host itself over SSH, for commands run on it (RKE2 registration). */
    ssh?: {
        host: string;
        user: string;
        port: number;
        options: string[];
        privateKey?: pulumi.Output<string>;
    };
}

export interface ProjectConfig {
    name: string;
    description: string;
    namespaces: string[];
    allowPublicServices: boolean;
}

export interface PlatformConfig {
    domain: string;
    dockerHosts: DockerHostConfig[];
    kubernetes: {
        distribution: (typeof DISTRIBUTIONS)[number];
        version: string;
        apiPort: number;
        apiAllowedCidrs: string[];
        /** Only for `existing`. */
        kubeconfig?: pulumi.Output<string>;
        /** Only for `k3s`: the cluster token, generated when absent. */
        k3sToken?: pulumi.Output<string>;
    };
    traefik: {
        chartVersion: string;
        namespace: string;
        dashboard: {
            host: string;
            allowedSourceRanges: string[];
            /** User name to password from secret config; users missing here get a generated one. */
            users: { name: string; password?: pulumi.Output<string> }[];
        };
    };
    rancher: RancherConfig;
    projects: ProjectConfig[];
}

interface RancherCommonConfig {
    hostname: string;
    /** Rancher's API: `https://hostname[:port]` for `docker`, as configured otherwise. */
    apiUrl: string;
}

/** Rancher as a server container of the platform's own, or one that already runs. */
export type RancherConfig =
    | (RancherCommonConfig & {
          mode: "docker";
          version: string;
          httpsPort: number;
          /** From secret config; generated when absent. */
          adminPassword?: pulumi.Output<string>;
      })
    | (RancherCommonConfig & { mode: "existing"; token: pulumi.Output<string> });

/** One problem with the stack config. */
export interface ConfigProblem {
    /** The key path, for example `flex4apps:dockerHosts[1].url`. */
    key: string;
    message: string;
}

/** A user error in the stack config: every problem at once, and no stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: ConfigProblem[]) {
        super(
            `The stack config has ${problems.length} problem${problems.length === 1 ? "" : "s"}; ` +
                "nothing was created:\n" +
                problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

function keyPath(top: string, path: PropertyKey[]): string {
    return path.reduce<string>(
        (key, part) => (typeof part === "number" ? `${key}[${part}]` : `${key}.${String(part)}`),
        `${NAMESPACE}:${top}`,
    );
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    return path.reduce<unknown>(
        (value, part) =>
            typeof value === "object" && value !== null
                ? (value as Record<PropertyKey, unknown>)[part]
                : undefined,
        root,
    );
}

function describeValue(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    // A password in a URL is a secret too.
    const text = JSON.stringify(value).replace(/(\/\/[^/:@"]*):[^/@"]*@/g, "$1:***@");
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Turns zod's issues into problems that name the key, the value seen and what is expected. */
function toProblems(
    error: z.ZodError,
    top: string,
    input: unknown,
    secretKeys: Set<string>,
): ConfigProblem[] {
    return error.issues.flatMap((issue) => {
        const path = issue.path;
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknownKey) => ({
                key: keyPath(top, [...path, unknownKey]),
                message: "unknown key (a typo?); see the config reference in the README",
            }));
        }
        const seen = secretKeys.has(top) ? "a secret value" : describeValue(valueAt(input, path));
        const expected =
            issue.code === "invalid_type"
                ? `expected ${issue.expected}`
                : issue.code === "invalid_value"
                  ? `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
                  : issue.message;
        return [{ key: keyPath(top, path), message: `${expected}; got ${seen}` }];
    });
}

/** An empty text or object: how Pulumi.yaml's defaults say that a secret is not set. */
function isEmpty(value: unknown): boolean {
    return (
        value === "" ||
        (typeof value === "object" &&
            value !== null &&
            !Array.isArray(value) &&
            Object.keys(value).length === 0)
    );
}

/** Reads a raw config value: JSON for objects and lists, the text itself otherwise. */
function decode(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** The raw `flex4apps:*` config, in the form the language host passes it. */
export interface RawConfig {
    values: Record<string, string>;
    secretKeys: Set<string>;
}

/** The SDK tells which keys hold secrets through a function it does not declare publicly. */
const runtimeConfig = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };

/** Reads the raw config of the running stack from the Pulumi runtime. */
export function readRawConfig(): RawConfig {
    const all = pulumi.runtime.allConfig();
    // No prototype: a key named `__proto__` stays a key, to be reported as unknown.
    const values: Record<string, string> = Object.create(null);
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(all)) {
        if (!key.startsWith(`${NAMESPACE}:`)) {
            continue;
        }
        const name = key.slice(NAMESPACE.length + 1);
        values[name] = value;
        if (runtimeConfig.isConfigSecret(key)) {
            secretKeys.add(name);
        }
    }
    return { values, secretKeys };
}

interface EngineParse {
    engine?: EngineConnection;
    problems: ConfigProblem[];
}

function parseEngineUrl(
    host: PlainConfig["dockerHosts"][number],
    index: number,
    tls: SecretValues["dockerTls"],
): EngineParse {
    const key = keyPath("dockerHosts", [index, "url"]);
    const problem = (message: string): EngineParse => ({
        problems: [{ key, message: `${message}; got ${describeValue(host.url)}` }],
    });
    let url: URL;
    try {
        url = new URL(host.url);
    } catch {
        return problem(
            "expected a Docker Engine URL: unix:///var/run/docker.sock, " +
                "ssh://user@host[:port] or tcp://host:2376 with TLS client material",
        );
    }
    const port = url.port === "" ? undefined : Number(url.port);
    if (port === 0) {
        return problem("expected a port from 1 to 65535");
    }
    switch (url.protocol) {
        case "unix:":
            if (url.hostname !== "") {
                return problem(
                    "expected unix:// and an absolute path, with three slashes: " +
                        "unix:///var/run/docker.sock",
                );
            }
            return url.pathname.length > 1
                ? { engine: { scheme: "unix", url: host.url }, problems: [] }
                : problem("expected the socket's path, as in unix:///var/run/docker.sock");
        case "ssh:":
            if (url.password !== "") {
                return problem(
                    "refused: a password in the URL is a secret in plain text; use an SSH key " +
                        `(the secret ${NAMESPACE}:sshPrivateKeys) or the SSH agent`,
                );
            }
            if (url.username === "" || url.hostname === "") {
                return problem("expected ssh://user@host[:port], with a user and a host");
            }
            return {
                engine: {
                    scheme: "ssh",
                    url: host.url,
                    user: decodeURIComponent(url.username),
                    host: url.hostname,
                    port: port ?? 22,
                },
                problems: [],
            };
        case "tcp:": {
            if (url.hostname === "" || port === undefined) {
                return problem("expected tcp://host:port with an explicit port (2376 for TLS)");
            }
            if (port === 2375) {
                return problem(
                    "refused as insecure: 2375 is the Docker Engine's unencrypted port; " +
                        "use the TLS port 2376, or ssh://",
                );
            }
            const material = own(tls, host.name);
            if (material === undefined) {
                return problem(
                    "refused as insecure: a tcp:// Engine URL needs TLS client material; set " +
                        `the secret ${NAMESPACE}:dockerTls.${host.name}.{caPem,certPem,keyPem} ` +
                        "(pulumi config set --secret --path), or use ssh://",
                );
            }
            return {
                engine: {
                    scheme: "tcp",
                    url: host.url,
                    host: url.hostname,
                    port,
                    tls: {
                        caPem: pulumi.secret(material.caPem),
                        certPem: pulumi.secret(material.certPem),
                        keyPem: pulumi.secret(material.keyPem),
                    },
                },
                problems: [],
            };
        }
        default:
            return problem("expected a URL starting with unix://, ssh:// or tcp://");
    }
}

function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((value, i) => values.indexOf(value) !== i))];
}

/** What parsed of each key; a key that failed to parse is absent and listed in `failed`. */
interface Parsed {
    plain: Partial<PlainConfig>;
    secrets: Partial<SecretValues>;
    failed: Set<string>;
}

const RESERVED_NAMESPACE_PREFIXES = ["kube-", "cattle-", "fleet-"];

function namespaceChecks(projects: PlainConfig["projects"], platform: string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const projectNames = projects.map((p) => p.name);
    for (const name of duplicates(projectNames)) {
        problems.push({
            key: keyPath("projects", [projectNames.lastIndexOf(name), "name"]),
            message: `expected a unique project name; "${name}" is used more than once`,
        });
    }
    const seen = new Set<string>();
    projects.forEach((project, i) =>
        project.namespaces.forEach((ns, j) => {
            const key = keyPath("projects", [i, "namespaces", j]);
            if (seen.has(ns)) {
                problems.push({
                    key,
                    message: `expected a unique namespace name; "${ns}" is in more than one place`,
                });
            } else if (
                ns === platform ||
                ns === "default" ||
                RESERVED_NAMESPACE_PREFIXES.some((prefix) => ns.startsWith(prefix))
            ) {
                problems.push({
                    key,
                    message:
                        `expected a namespace of the project's own; "${ns}" belongs to the ` +
                        "platform, Kubernetes or Rancher (default, kube-*, cattle-*, fleet-*)",
                });
            }
            seen.add(ns);
        }),
    );
    return problems;
}

function roleChecks(
    hosts: PlainConfig["dockerHosts"],
    kubernetes: PlainConfig["kubernetes"] | undefined,
    rancher: PlainConfig["rancher"] | undefined,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const withRole = (role: HostRole) => hosts.filter((h) => h.roles.includes(role)).length;
    const distribution = kubernetes?.distribution;
    if (distribution === "k3s" && withRole("kubernetes") !== 1) {
        problems.push({
            key: keyPath("dockerHosts", []),
            message:
                `kubernetes.distribution "k3s" runs a single server: expected exactly one host ` +
                `with role "kubernetes", found ${withRole("kubernetes")}`,
        });
    }
    if (distribution === "rke2") {
        if (withRole("kubernetes") === 0) {
            problems.push({
                key: keyPath("dockerHosts", []),
                message:
                    'kubernetes.distribution "rke2" needs at least one host with role "kubernetes"',
            });
        }
        hosts.forEach((host, index) => {
            const reachable = host.ssh.host !== undefined || host.url.startsWith("ssh://");
            if (host.roles.includes("kubernetes") && !reachable) {
                problems.push({
                    key: keyPath("dockerHosts", [index, "ssh", "host"]),
                    message:
                        "an rke2 node is registered over SSH: expected an ssh:// url or " +
                        "ssh.host and ssh.user",
                });
            }
        });
    }
    if (rancher?.mode === "docker" && withRole("rancher") !== 1) {
        problems.push({
            key: keyPath("dockerHosts", []),
            message:
                `rancher.mode "docker" runs one Rancher server: expected exactly one host with ` +
                `role "rancher", found ${withRole("rancher")}`,
        });
    }
    return problems;
}

/** What each mode needs that lives in another key. */
function modeChecks({ plain, secrets, failed }: Parsed): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const missing = (key: keyof SecretValues) => secrets[key] === undefined && !failed.has(key);
    if (plain.kubernetes?.distribution === "existing" && missing("kubeconfig")) {
        problems.push({
            key: `${NAMESPACE}:kubeconfig`,
            message:
                'kubernetes.distribution "existing" needs the cluster\'s kubeconfig as a secret ' +
                `(pulumi config set --secret ${NAMESPACE}:kubeconfig < kubeconfig.yaml)`,
        });
    }
    if (plain.rancher?.mode === "existing") {
        if (plain.rancher.apiUrl === undefined) {
            problems.push({
                key: keyPath("rancher", ["apiUrl"]),
                message: 'rancher.mode "existing" needs rancher.apiUrl, an https:// URL',
            });
        }
        if (missing("rancherToken")) {
            problems.push({
                key: `${NAMESPACE}:rancherToken`,
                message:
                    'rancher.mode "existing" needs an API token as the secret ' +
                    `${NAMESPACE}:rancherToken`,
            });
        }
    }
    return problems;
}

/** Secrets keyed by host or user name must name a host or user that exists. */
function referenceChecks({ plain, secrets }: Parsed): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (plain.dockerHosts !== undefined) {
        const hostNames = plain.dockerHosts.map((h) => h.name);
        for (const group of ["dockerTls", "sshPrivateKeys"] as const) {
            for (const name of Object.keys(secrets[group] ?? {})) {
                if (!hostNames.includes(name)) {
                    problems.push({
                        key: `${NAMESPACE}:${group}.${name}`,
                        message: `expected the name of a host in dockerHosts; there is no "${name}"`,
                    });
                }
            }
        }
    }
    if (plain.traefik !== undefined) {
        const users = plain.traefik.dashboard.users;
        for (const name of Object.keys(secrets.dashboardPasswords ?? {})) {
            if (!users.includes(name)) {
                problems.push({
                    key: `${NAMESPACE}:dashboardPasswords.${name}`,
                    message: `expected a user listed in traefik.dashboard.users; "${name}" is not`,
                });
            }
        }
    }
    return problems;
}

/**
 * Rules that span several keys: unique names, and what each mode needs. Each rule runs when
 * the keys it reads parsed, so that one run reports as much as it can.
 */
function crossChecks(parsed: Parsed): ConfigProblem[] {
    const { plain } = parsed;
    const problems: ConfigProblem[] = [];
    if (plain.dockerHosts !== undefined) {
        const hostNames = plain.dockerHosts.map((h) => h.name);
        for (const name of duplicates(hostNames)) {
            problems.push({
                key: keyPath("dockerHosts", [hostNames.lastIndexOf(name), "name"]),
                message: `expected a unique host name; "${name}" is used more than once`,
            });
        }
        problems.push(...roleChecks(plain.dockerHosts, plain.kubernetes, plain.rancher));
    }
    if (plain.projects !== undefined) {
        problems.push(...namespaceChecks(plain.projects, plain.traefik?.namespace ?? "traefik"));
    }
    problems.push(...modeChecks(parsed), ...referenceChecks(parsed));
    return problems;
}

function hostConfig(
    host: PlainConfig["dockerHosts"][number],
    engine: EngineConnection,
    secrets: SecretValues,
): DockerHostConfig {
    const privateKey = own(secrets.sshPrivateKeys, host.name);
    const sshHost = host.ssh.host ?? (engine.scheme === "ssh" ? engine.host : undefined);
    const sshUser = host.ssh.user ?? (engine.scheme === "ssh" ? engine.user : undefined);
    return {
        name: host.name,
        address: ipaddr.process(host.address).toString(),
        roles: host.roles,
        engine,
        ssh:
            sshHost !== undefined && sshUser !== undefined
                ? {
                      host: sshHost,
                      user: sshUser,
                      port: host.ssh.port ?? (engine.scheme === "ssh" ? engine.port : 22),
                      options: host.ssh.options,
                      privateKey: privateKey === undefined ? undefined : pulumi.secret(privateKey),
                  }
                : undefined,
    };
}

/**
 * Parses and checks the whole `flex4apps:*` config. Throws a {@link ConfigError} that lists
 * every problem found, so that no resource is registered from a config that is wrong.
 */
export function parseConfig(raw: RawConfig): PlatformConfig {
    // Maps, not objects: a key such as `__proto__` must be reported, not taken as a prototype.
    const plainInput = new Map<string, unknown>();
    const secretInput = new Map<string, unknown>();
    const problems: ConfigProblem[] = [];
    for (const [name, value] of Object.entries(raw.values)) {
        const isSecretKey = SECRET_KEYS.includes(name);
        if (!isSecretKey && !PLAIN_KEYS.includes(name)) {
            problems.push({
                key: `${NAMESPACE}:${name}`,
                message: `unknown key; expected one of ${ALL_KEYS}`,
            });
            continue;
        }
        const decoded = decode(value);
        if (isSecretKey && isEmpty(decoded)) {
            // Pulumi.yaml's default for a secret: not set.
            continue;
        }
        if (isSecretKey && !raw.secretKeys.has(name)) {
            problems.push({
                key: `${NAMESPACE}:${name}`,
                message:
                    "refused: this key holds a secret but is stored in plain text; set it with " +
                    `pulumi config set --secret ${NAMESPACE}:${name}`,
            });
        }
        (isSecretKey ? secretInput : plainInput).set(name, decoded);
    }
    const parsed: Parsed = { plain: {}, secrets: {}, failed: new Set() };
    // Each key on its own, so that a fault in one does not hide the faults of the others.
    const parseKeys = (
        shape: Record<string, z.ZodType>,
        input: Map<string, unknown>,
        into: Record<string, unknown>,
        shownAsSecret: (name: string) => boolean,
    ) => {
        for (const [name, schema] of Object.entries(shape)) {
            const result = schema.safeParse(input.get(name));
            if (result.success) {
                into[name] = result.data;
            } else {
                parsed.failed.add(name);
                const secrets = new Set(shownAsSecret(name) ? [name] : []);
                problems.push(...toProblems(result.error, name, input.get(name), secrets));
            }
        }
    };
    parseKeys(plainShape, plainInput, parsed.plain, (name) => raw.secretKeys.has(name));
    parseKeys(secretShape, secretInput, parsed.secrets, () => true);

    // The Engine URLs need only the hosts and their TLS material.
    const engines =
        parsed.plain.dockerHosts !== undefined && !parsed.failed.has("dockerTls")
            ? parsed.plain.dockerHosts.map((host, index) =>
                  parseEngineUrl(host, index, parsed.secrets.dockerTls),
              )
            : [];
    problems.push(...engines.flatMap((e) => e.problems));
    problems.push(...crossChecks(parsed));
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }

    const config = parsed.plain as PlainConfig;
    const secret = parsed.secrets as SecretValues;
    const wrap = (value: string | undefined) =>
        value === undefined ? undefined : pulumi.secret(value);
    const rancherHostname = config.rancher.hostname ?? `rancher.${config.domain}`;
    return {
        domain: config.domain,
        dockerHosts: config.dockerHosts.map((host, i) =>
            hostConfig(host, engines[i].engine as EngineConnection, secret),
        ),
        kubernetes: {
            distribution: config.kubernetes.distribution,
            version: config.kubernetes.version ?? DEFAULT_VERSIONS[config.kubernetes.distribution],
            apiPort: config.kubernetes.apiPort,
            apiAllowedCidrs: config.kubernetes.apiAllowedCidrs,
            kubeconfig: wrap(secret.kubeconfig),
            k3sToken: wrap(secret.k3sToken),
        },
        traefik: {
            chartVersion: config.traefik.chartVersion,
            namespace: config.traefik.namespace,
            dashboard: {
                host: config.traefik.dashboard.host ?? `traefik.${config.domain}`,
                allowedSourceRanges: config.traefik.dashboard.allowedSourceRanges,
                users: config.traefik.dashboard.users.map((name) => ({
                    name,
                    password: wrap(own(secret.dashboardPasswords, name)),
                })),
            },
        },
        rancher:
            config.rancher.mode === "existing"
                ? {
                      mode: "existing",
                      hostname: rancherHostname,
                      // Both are there: the cross-checks refuse `existing` without them.
                      apiUrl: config.rancher.apiUrl as string,
                      token: pulumi.secret(secret.rancherToken as string),
                  }
                : {
                      mode: "docker",
                      hostname: rancherHostname,
                      apiUrl:
                          config.rancher.apiUrl ??
                          (config.rancher.httpsPort === 443
                              ? `https://${rancherHostname}`
                              : `https://${rancherHostname}:${config.rancher.httpsPort}`),
                      version: config.rancher.version,
                      httpsPort: config.rancher.httpsPort,
                      adminPassword: wrap(secret.rancherAdminPassword),
                  },
        projects: config.projects,
    };
}

/** Reads and parses the config of the running stack. */
export function loadConfig(): PlatformConfig {
    return parseConfig(readRawConfig());
}
