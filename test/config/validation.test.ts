import { baseConfig, TEST_TLS } from "../support/configs";
import { runWithConfig, type Program } from "../support/program";

type Config = Record<string, any>;

interface Rule {
    rule: string;
    plain?: (config: Config) => void;
    secrets?: Record<string, unknown>;
    key: string;
    expected: RegExp;
}

/** Runs the program with one fault and returns its error message, checking nothing was made. */
async function refuse(program: Program): Promise<string> {
    const error = program.result.error;
    expect(error).toBeDefined();
    expect(error!.name).toBe("ConfigError");
    expect(program.resources).toEqual([]);
    return error!.message;
}

const rules: Rule[] = [
    {
        rule: "a required key is missing",
        plain: (c) => delete c.domain,
        key: "flex4apps:domain",
        expected: /expected string; got nothing/,
    },
    {
        rule: "a list is given where a list is expected, not an object",
        plain: (c) => (c.dockerHosts = { name: "local" }),
        key: "flex4apps:dockerHosts",
        expected: /expected array/,
    },
    {
        rule: "a number is given where text is expected",
        plain: (c) => (c.dockerHosts[0].address = 127001),
        key: "flex4apps:dockerHosts[0].address",
        expected: /expected string; got 127001/,
    },
    {
        rule: "a Docker host URL has an unknown scheme",
        plain: (c) => (c.dockerHosts[0].url = "http://10.0.0.5:2376"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /starting with unix:\/\/, ssh:\/\/ or tcp:\/\//,
    },
    {
        rule: "a tcp:// Docker host URL has no port",
        plain: (c) => (c.dockerHosts[0].url = "tcp://10.0.0.5"),
        secrets: { dockerTls: { local: TEST_TLS } },
        key: "flex4apps:dockerHosts[0].url",
        expected: /explicit port/,
    },
    {
        rule: "an ssh:// Docker host URL has no user",
        plain: (c) => (c.dockerHosts[0].url = "ssh://10.0.0.5"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /ssh:\/\/user@host/,
    },
    {
        rule: "a Docker host URL has a port out of range",
        plain: (c) => (c.dockerHosts[0].url = "ssh://ops@10.0.0.5:70000"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /expected a Docker Engine URL/,
    },
    {
        rule: "two hosts have the same name",
        plain: (c) =>
            c.dockerHosts.push({ name: "local", url: "ssh://ops@10.0.0.6", address: "10.0.0.6" }),
        key: "flex4apps:dockerHosts[1].name",
        expected: /unique host name/,
    },
    {
        rule: "two projects have the same name",
        plain: (c) => c.projects.push({ name: "monitoring", namespaces: ["influxdb"] }),
        key: "flex4apps:projects[1].name",
        expected: /unique project name/,
    },
    {
        rule: "two projects claim the same namespace",
        plain: (c) => c.projects.push({ name: "dashboards", namespaces: ["grafana"] }),
        key: "flex4apps:projects[1].namespaces[0]",
        expected: /unique namespace name/,
    },
    {
        rule: "a namespace name is not a valid Kubernetes name",
        plain: (c) => (c.projects[0].namespaces = ["Grafana_Main"]),
        key: "flex4apps:projects[0].namespaces[0]",
        expected: /Kubernetes namespace name.*got "Grafana_Main"/,
    },
    {
        rule: "the domain is not a DNS name",
        plain: (c) => (c.domain = "flex apps.test"),
        key: "flex4apps:domain",
        expected: /DNS name/,
    },
    {
        rule: "the dashboard host is not a DNS name",
        plain: (c) => (c.traefik = { dashboard: { host: "-dashboard-.test" } }),
        key: "flex4apps:traefik.dashboard.host",
        expected: /DNS name/,
    },
    {
        rule: "Rancher's host name is not a DNS name",
        plain: (c) => (c.rancher.hostname = "rancher_1.test"),
        key: "flex4apps:rancher.hostname",
        expected: /DNS name/,
    },
    {
        rule: "a CIDR is not valid",
        plain: (c) => (c.kubernetes.apiAllowedCidrs = ["10.0.0.0/33"]),
        key: "flex4apps:kubernetes.apiAllowedCidrs[0]",
        expected: /expected a CIDR/,
    },
    {
        rule: "the distribution is not known",
        plain: (c) => (c.kubernetes.distribution = "k8s"),
        key: "flex4apps:kubernetes.distribution",
        expected: /expected one of "k3s", "rke2", "existing"; got "k8s"/,
    },
    {
        rule: "the Rancher mode is not known",
        plain: (c) => (c.rancher.mode = "cloud"),
        key: "flex4apps:rancher.mode",
        expected: /expected one of "docker", "existing"/,
    },
    {
        rule: "a host role is not known",
        plain: (c) => (c.dockerHosts[0].roles = ["rancher", "master"]),
        key: "flex4apps:dockerHosts[0].roles[1]",
        expected: /expected one of "rancher", "kubernetes"/,
    },
    {
        rule: "Rancher in existing mode has no apiUrl",
        plain: (c) => (c.rancher = { mode: "existing" }),
        secrets: { rancherToken: "token-test" },
        key: "flex4apps:rancher.apiUrl",
        expected: /needs rancher.apiUrl/,
    },
    {
        rule: "Rancher in existing mode has no token",
        plain: (c) => (c.rancher = { mode: "existing", apiUrl: "https://rancher.test" }),
        key: "flex4apps:rancherToken",
        expected: /needs an API token/,
    },
    {
        rule: "Rancher in docker mode has no host with role rancher",
        plain: (c) => (c.dockerHosts[0].roles = ["kubernetes"]),
        key: "flex4apps:dockerHosts",
        expected: /exactly one host with role "rancher", found 0/,
    },
    {
        rule: "k3s has no host with role kubernetes",
        plain: (c) => (c.dockerHosts[0].roles = ["rancher"]),
        key: "flex4apps:dockerHosts",
        expected: /exactly one host with role "kubernetes", found 0/,
    },
    {
        rule: "rke2 has no host with role kubernetes",
        plain: (c) => {
            c.kubernetes.distribution = "rke2";
            c.dockerHosts[0].roles = ["rancher"];
        },
        key: "flex4apps:dockerHosts",
        expected: /"rke2" needs at least one host with role "kubernetes"/,
    },
    {
        rule: "an rke2 node cannot be reached over SSH",
        plain: (c) => (c.kubernetes.distribution = "rke2"),
        key: "flex4apps:dockerHosts[0].ssh.host",
        expected: /registered over SSH/,
    },
    {
        rule: "an existing cluster has no kubeconfig",
        plain: (c) => (c.kubernetes.distribution = "existing"),
        key: "flex4apps:kubeconfig",
        expected: /needs the cluster's kubeconfig/,
    },
    {
        rule: "a Docker host on plain tcp:// has no TLS material (insecure)",
        plain: (c) => (c.dockerHosts[0].url = "tcp://10.0.0.5:2376"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /refused as insecure: a tcp:\/\/ Engine URL needs TLS client material/,
    },
    {
        rule: "a Docker host on the unencrypted port 2375 (insecure)",
        plain: (c) => (c.dockerHosts[0].url = "tcp://10.0.0.5:2375"),
        secrets: { dockerTls: { local: TEST_TLS } },
        key: "flex4apps:dockerHosts[0].url",
        expected: /refused as insecure: 2375/,
    },
    {
        rule: "a host address of 0.0.0.0 binds to all interfaces (insecure)",
        plain: (c) => (c.dockerHosts[0].address = "0.0.0.0"),
        key: "flex4apps:dockerHosts[0].address",
        expected: /refused as insecure: this address binds to all interfaces/,
    },
    {
        rule: "a host address of :: binds to all interfaces (insecure)",
        plain: (c) => (c.dockerHosts[0].address = "::"),
        key: "flex4apps:dockerHosts[0].address",
        expected: /refused as insecure/,
    },
    {
        rule: "the dashboard is open to 0.0.0.0/0 (insecure)",
        plain: (c) =>
            (c.traefik = { dashboard: { allowedSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"] } }),
        key: "flex4apps:traefik.dashboard.allowedSourceRanges[1]",
        expected: /refused as insecure/,
    },
    {
        rule: "the Kubernetes API is open to ::/0 (insecure)",
        plain: (c) => (c.kubernetes.apiAllowedCidrs = ["::/0"]),
        key: "flex4apps:kubernetes.apiAllowedCidrs[0]",
        expected: /refused as insecure/,
    },
    {
        rule: "a host address that is public (insecure)",
        plain: (c) => (c.dockerHosts[0].address = "203.0.113.5"),
        key: "flex4apps:dockerHosts[0].address",
        expected: /refused as insecure: a public address/,
    },
    {
        rule: "a host address that is a public IPv6 address (insecure)",
        plain: (c) => (c.dockerHosts[0].address = "2001:4860::1"),
        key: "flex4apps:dockerHosts[0].address",
        expected: /refused as insecure: a public address/,
    },
    {
        rule: "source ranges that together are every IPv4 address (insecure)",
        plain: (c) =>
            (c.traefik = {
                dashboard: {
                    allowedSourceRanges: Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`),
                },
            }),
        key: "flex4apps:traefik.dashboard.allowedSourceRanges",
        expected: /together these ranges are every address/,
    },
    {
        rule: "a source range of half the IPv4 internet (insecure)",
        plain: (c) => (c.traefik = { dashboard: { allowedSourceRanges: ["0.0.0.0/1"] } }),
        key: "flex4apps:traefik.dashboard.allowedSourceRanges[0]",
        expected: /refused as insecure: this range holds a large part of the internet/,
    },
    {
        rule: "an API range of every global IPv6 address (insecure)",
        plain: (c) => (c.kubernetes.apiAllowedCidrs = ["10.20.0.0/16", "2000::/3"]),
        key: "flex4apps:kubernetes.apiAllowedCidrs[1]",
        expected: /refused as insecure: this range holds a large part of the internet/,
    },
    {
        rule: "the IPv4-mapped IPv6 range of every IPv4 address (insecure)",
        plain: (c) => (c.kubernetes.apiAllowedCidrs = ["::ffff:0:0/96"]),
        key: "flex4apps:kubernetes.apiAllowedCidrs[0]",
        expected: /this range is every address/,
    },
    {
        rule: "a tcp:// host named like an Object property still needs its own TLS material",
        plain: (c) => {
            c.dockerHosts[0].name = "constructor";
            c.dockerHosts[0].url = "tcp://10.0.0.9:2376";
            c.dockerHosts[0].address = "10.0.0.9";
        },
        key: "flex4apps:dockerHosts[0].url",
        expected: /needs TLS client material/,
    },
    {
        rule: "an ssh:// URL with port 0",
        plain: (c) => (c.dockerHosts[0].url = "ssh://ops@10.0.0.5:0"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /port from 1 to 65535/,
    },
    {
        rule: "a unix:// URL with a relative path (two slashes)",
        plain: (c) => (c.dockerHosts[0].url = "unix://var/run/docker.sock"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /three slashes/,
    },
    {
        rule: "an ssh:// URL that carries a password (a secret in plain text)",
        plain: (c) => (c.dockerHosts[0].url = "ssh://ops:Hunter2Pass@10.0.0.5"),
        key: "flex4apps:dockerHosts[0].url",
        expected: /password in the URL .*got "ssh:\/\/ops:\*\*\*@10\.0\.0\.5"/,
    },
    {
        rule: "a project namespace that belongs to Rancher",
        plain: (c) => (c.projects[0].namespaces = ["cattle-system"]),
        key: "flex4apps:projects[0].namespaces[0]",
        expected: /belongs to the platform, Kubernetes or Rancher/,
    },
    {
        rule: "a project namespace that belongs to Kubernetes",
        plain: (c) => (c.projects[0].namespaces = ["kube-node-lease"]),
        key: "flex4apps:projects[0].namespaces[0]",
        expected: /belongs to the platform, Kubernetes or Rancher/,
    },
    {
        rule: "a domain that is an IP address",
        plain: (c) => (c.domain = "10.1.2.3"),
        key: "flex4apps:domain",
        expected: /DNS name/,
    },
    {
        rule: "a __proto__ key (reported, not taken as a prototype)",
        // Defined as an own key, as JSON.parse of a stack value makes it.
        plain: (c) =>
            Object.defineProperty(c, "__proto__", {
                value: { polluted: true },
                enumerable: true,
            }),
        key: "flex4apps:__proto__",
        expected: /unknown key/,
    },
    {
        rule: "an unknown top-level key (a typo)",
        plain: (c) => (c.dockerHost = []),
        key: "flex4apps:dockerHost",
        expected: /unknown key/,
    },
    {
        rule: "an unknown nested key (a typo)",
        plain: (c) => (c.traefik = { dashboard: { allowedSourceRange: ["10.0.0.0/8"] } }),
        key: "flex4apps:traefik.dashboard.allowedSourceRange",
        expected: /unknown key/,
    },
    {
        rule: "a secret key stored in plain text",
        plain: (c) => (c.rancherAdminPassword = "in-plain-sight-1234"),
        key: "flex4apps:rancherAdminPassword",
        expected: /stored in plain text/,
    },
    {
        rule: "a dashboard password that bcrypt would cut short",
        secrets: { dashboardPasswords: { admin: "p".repeat(73) } },
        key: "flex4apps:dashboardPasswords.admin",
        expected: /at most 72 bytes/,
    },
];

describe("the stack config is checked before anything is created", () => {
    it.each(rules.map((r) => [r.rule, r]))("refuses: %s", async (_, rule) => {
        const config = baseConfig();
        rule.plain?.(config);
        const message = await refuse(await runWithConfig(config, rule.secrets ?? {}));
        const line = message.split("\n").find((l) => l.includes(`- ${rule.key}:`));
        expect(line).toBeDefined();
        expect(line).toMatch(rule.expected);
    });

    it("accepts private, ULA and narrow public ranges for the API and the dashboard", async () => {
        const config = baseConfig();
        config.kubernetes.apiAllowedCidrs = ["10.0.0.0/8", "fc00::/7", "198.51.100.0/24"];
        config.traefik = { dashboard: { allowedSourceRanges: ["2001:db8::/32", "100.64.0.0/10"] } };
        const program = await runWithConfig(config);
        expect(program.result.error).toBeUndefined();
    });

    it("accepts the base config the rules start from (so each rule is what fails)", async () => {
        const program = await runWithConfig(baseConfig());
        expect(program.result.error).toBeUndefined();
        expect(program.resources.length).toBeGreaterThan(0);
    });

    it("reports every problem of a stack file with several faults at once", async () => {
        const config = baseConfig();
        config.domain = "not a domain";
        config.dockerHosts[0].url = "tcp://10.0.0.5:2376";
        config.kubernetes.distribution = "k8s";
        config.projects[0].namespaces = ["Bad_Name"];
        config.extra = true;
        const message = await refuse(await runWithConfig(config));
        for (const key of [
            "flex4apps:domain",
            "flex4apps:dockerHosts[0].url",
            "flex4apps:kubernetes.distribution",
            "flex4apps:projects[0].namespaces[0]",
            "flex4apps:extra",
        ]) {
            expect(message).toContain(`- ${key}:`);
        }
        expect(message).toMatch(/^The stack config has 5 problems; nothing was created:/);
    });

    it("reports schema faults and cross-key faults of other keys together", async () => {
        const config = baseConfig();
        config.traefik = { dashbaord: {} };
        config.dockerHosts.push({ name: "local", url: "ssh://ops@10.0.0.6", address: "10.0.0.6" });
        config.projects.push({ name: "other", namespaces: ["grafana"] });
        const message = await refuse(await runWithConfig(config));
        expect(message).toContain("- flex4apps:traefik.dashbaord: unknown key");
        expect(message).toContain("- flex4apps:dockerHosts[1].name: expected a unique host name");
        expect(message).toContain("- flex4apps:projects[1].namespaces[0]: expected a unique");
    });

    it("a dashboard user named like an Object property gets a password of its own", async () => {
        const config = baseConfig();
        config.traefik = { dashboard: { users: ["admin", "constructor"] } };
        const program = await runWithConfig(config, {
            dashboardPasswords: { admin: "a-test-password-of-some-length" },
        });
        expect(program.result.error).toBeUndefined();
        const passwords = program.result.exports.dashboardPasswords.value as Record<string, string>;
        expect(Object.keys(passwords).sort()).toEqual(["admin", "constructor"]);
        expect(typeof passwords.constructor).toBe("string");
    });

    it("never shows a secret's value in a message", async () => {
        const secretValue = "short-secret";
        const program = await runWithConfig(baseConfig(), {
            dashboardPasswords: { admin: secretValue.slice(0, 5) },
            k3sToken: secretValue,
        });
        const message = await refuse(program);
        expect(message).toContain("flex4apps:dashboardPasswords.admin");
        expect(message).toContain("flex4apps:k3sToken");
        expect(message).not.toContain(secretValue.slice(0, 5));
        expect(message).toContain("got a secret value");
    });

    it("stops as Pulumi stops for a user error: a RunError, whose stack Pulumi does not print", async () => {
        const config = baseConfig();
        delete config.domain;
        const program = await runWithConfig(config);
        const error = program.result.error as Error & { __pulumiRunError?: boolean };
        expect(error.__pulumiRunError).toBe(true);
    });
});
