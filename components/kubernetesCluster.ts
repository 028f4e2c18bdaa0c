import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import * as random from "@pulumi/random";
import * as YAML from "yaml";
import type { DockerHost } from "./dockerHost";

export const K3S_CONTAINER_NAME = "k3s-server";

/** Where the k3s server writes its admin kubeconfig, inside its container. */
const K3S_KUBECONFIG = "/etc/rancher/k3s/k3s.yaml";

export interface KubernetesClusterArgs {
    distribution: "k3s" | "rke2" | "existing";
    version: string;
    apiPort: number;
    /**
     * Who may reach the API server, where the distribution lets the platform enforce it.
     *
     * Limitation: only RKE2 nodes get a firewall from it. A k3s server in a container is limited
     * by its bind address (the host's private address) alone, and an existing cluster's API is
     * as the cluster was made.
     */
    apiAllowedCidrs: string[];
    /** The hosts with role `kubernetes` (k3s: exactly one; rke2: one or more). */
    hosts: DockerHost[];
    /** k3s: the cluster token; generated when absent. */
    k3sToken?: pulumi.Output<string>;
    /** existing: the cluster's kubeconfig. */
    kubeconfig?: pulumi.Output<string>;
    /** rke2: the Rancher admin provider that provisions the cluster. */
    rancherProvider?: rancher2.Provider;
}

/** The API server URL of the current context of a kubeconfig, or "" when it has none. */
export function kubeconfigServer(kubeconfig: string): string {
    const parsed = YAML.parse(kubeconfig) as {
        "current-context"?: string;
        contexts?: { name: string; context: { cluster: string } }[];
        clusters?: { name: string; cluster: { server?: string } }[];
    } | null;
    const context = parsed?.contexts?.find((c) => c.name === parsed["current-context"]);
    const cluster =
        parsed?.clusters?.find((c) => c.name === context?.context.cluster) ?? parsed?.clusters?.[0];
    return cluster?.cluster.server ?? "";
}

/**
 * Shell that lets only `cidrs` reach the API port of an RKE2 node, through a chain of its own
 * so that running it again replaces the rules instead of adding to them.
 */
export function apiFirewallScript(port: number, cidrs: string[]): string {
    const accept = cidrs
        .map((cidr) => {
            const tool = cidr.includes(":") ? "ip6tables" : "iptables";
            return `${tool} -A F4A-KUBE-API -s ${cidr} -j ACCEPT`;
        })
        .join("\n");
    return [
        "set -eu",
        "for t in iptables ip6tables; do",
        "  $t -N F4A-KUBE-API 2>/dev/null || $t -F F4A-KUBE-API",
        `  $t -C INPUT -p tcp --dport ${port} -j F4A-KUBE-API 2>/dev/null ||`,
        `    $t -I INPUT -p tcp --dport ${port} -j F4A-KUBE-API`,
        "  $t -A F4A-KUBE-API -s 127.0.0.0/8 -j ACCEPT 2>/dev/null || true",
        "done",
        accept,
        "iptables -A F4A-KUBE-API -j DROP",
        "ip6tables -A F4A-KUBE-API -j DROP",
    ].join("\n");
}

/**
 * The platform's Kubernetes cluster, whichever way it comes to be: a k3s server in a container
 * on a Docker host, an RKE2 cluster that Rancher provisions on the hosts with role
 * `kubernetes`, or a cluster that already exists. It hands out one Kubernetes provider and the
 * kubeconfig (secret) for everything that runs on the cluster.
 */
export class KubernetesCluster extends pulumi.ComponentResource {
    public readonly provider: k8s.Provider;
    /** Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly apiEndpoint: pulumi.Output<string>;
    /** The distribution Rancher should import (k3s, existing) or that it provisioned (rke2). */
    public readonly distribution: KubernetesClusterArgs["distribution"];
    /** rke2: the Rancher cluster id, so that projects can be created in it. */
    public readonly rancherClusterId?: pulumi.Output<string>;
    /** k3s: the server container. */
    public readonly server?: docker.Container;

    constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flex4apps:kubernetes:Cluster", name, {}, opts);
        this.distribution = args.distribution;

        let kubeconfig: pulumi.Output<string>;
        switch (args.distribution) {
            case "k3s": {
                const k3s = this.k3sServer(name, args);
                this.server = k3s.server;
                kubeconfig = k3s.kubeconfig;
                break;
            }
            case "rke2": {
                const rke2 = this.rke2Cluster(name, args);
                this.rancherClusterId = rke2.clusterId;
                kubeconfig = rke2.kubeconfig;
                break;
            }
            case "existing":
                if (args.kubeconfig === undefined) {
                    throw new pulumi.ResourceError("an existing cluster needs a kubeconfig", this);
                }
                kubeconfig = args.kubeconfig;
                break;
        }
        this.kubeconfig = pulumi.secret(kubeconfig);
        this.apiEndpoint = pulumi.unsecret(this.kubeconfig.apply(kubeconfigServer));
        this.provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this },
        );
        this.registerOutputs({ apiEndpoint: this.apiEndpoint, kubeconfig: this.kubeconfig });
    }

    /**
     * A single k3s server in a privileged container. Its bundled Traefik is off (the platform
     * installs its own), and its API and web ports are published on the host's address only.
     */
    private k3sServer(name: string, args: KubernetesClusterArgs) {
        const host = args.hosts[0];
        // Generated secrets are marked here, not only by the provider's schema.
        const token = pulumi.secret(
            args.k3sToken ??
                new random.RandomPassword(
                    `${name}-token`,
                    { length: 48, special: false },
                    { parent: this },
                ).result,
        );
        const image = new docker.RemoteImage(
            `${name}-image`,
            { name: `rancher/k3s:${args.version}`, keepLocally: true },
            host.resourceOptions(this),
        );
        const server = new docker.Container(
            `${name}-server`,
            {
                name: K3S_CONTAINER_NAME,
                image: image.imageId,
                privileged: true,
                restart: "unless-stopped",
                command: [
                    "server",
                    "--disable=traefik",
                    `--tls-san=${host.address}`,
                    "--write-kubeconfig-mode=600",
                ],
                envs: [pulumi.interpolate`K3S_TOKEN=${token}`],
                // Traefik's web and websecure entrypoints reach the host through k3s's service
                // load balancer; like the API they are bound to the host's address.
                ports: [host.bind(6443, args.apiPort), host.bind(80), host.bind(443)],
                networksAdvanced: [host.platformNetwork()],
                tmpfs: { "/run": "", "/var/run": "" },
                volumes: [{ volumeName: "k3s-server-data", containerPath: "/var/lib/rancher/k3s" }],
            },
            host.resourceOptions(this),
        );

        // Limitation: the kubeconfig is read with the local `docker` CLI (`docker exec`), so the
        // machine that runs `pulumi up` needs it, with access to the host's Engine.
        const engine = host.config.engine;
        const tlsEnvironment: Record<string, pulumi.Output<string>> = engine.scheme === "tcp"
            ? {
                  F4A_DOCKER_CA: engine.tls.caPem,
                  F4A_DOCKER_CERT: engine.tls.certPem,
                  F4A_DOCKER_KEY: engine.tls.keyPem,
              }
            : {};
        const read = new command.local.Command(
            `${name}-kubeconfig`,
            {
                create: [
                    "set -eu",
                    // For tcp:// the CLI needs the client material as files, for this run only.
                    'if [ -n "${F4A_DOCKER_CA:-}" ]; then',
                    "  umask 077",
                    "  DOCKER_CERT_PATH=$(mktemp -d); trap 'rm -rf \"$DOCKER_CERT_PATH\"' EXIT",
                    '  printf "%s" "$F4A_DOCKER_CA" > "$DOCKER_CERT_PATH/ca.pem"',
                    '  printf "%s" "$F4A_DOCKER_CERT" > "$DOCKER_CERT_PATH/cert.pem"',
                    '  printf "%s" "$F4A_DOCKER_KEY" > "$DOCKER_CERT_PATH/key.pem"',
                    "  export DOCKER_CERT_PATH DOCKER_TLS_VERIFY=1",
                    "fi",
                    "for i in $(seq 1 60); do",
                    `  docker exec ${K3S_CONTAINER_NAME} test -s ${K3S_KUBECONFIG} && break`,
                    "  sleep 2",
                    "done",
                    `docker exec ${K3S_CONTAINER_NAME} cat ${K3S_KUBECONFIG}`,
                ].join("\n"),
                environment: { DOCKER_HOST: engine.url, ...tlsEnvironment },
                logging: "none",
                triggers: [server.id],
            },
            { parent: this, dependsOn: [server], additionalSecretOutputs: ["stdout"] },
        );
        const endpoint = `https://${host.address}:${args.apiPort}`;
        const kubeconfig = read.stdout.apply((text) =>
            text.replace(/https:\/\/127\.0\.0\.1:6443/g, endpoint),
        );
        return { server, kubeconfig };
    }

    /**
     * An RKE2 cluster that Rancher provisions: Rancher creates it, and each host with role
     * `kubernetes` runs Rancher's registration command over SSH. The same command first lets
     * only `apiAllowedCidrs` reach the API port.
     */
    private rke2Cluster(name: string, args: KubernetesClusterArgs) {
        if (args.rancherProvider === undefined) {
            throw new pulumi.ResourceError("an rke2 cluster needs Rancher's provider", this);
        }
        const cluster = new rancher2.ClusterV2(
            `${name}-rke2`,
            {
                name,
                kubernetesVersion: args.version,
                rkeConfig: {
                    machineGlobalConfig: YAML.stringify({ disable: ["rke2-ingress-nginx"] }),
                },
            },
            { parent: this, provider: args.rancherProvider },
        );
        const firewall = apiFirewallScript(args.apiPort, args.apiAllowedCidrs);
        for (const host of args.hosts) {
            const ssh = host.config.ssh;
            if (ssh === undefined) {
                throw new pulumi.ResourceError(
                    `host ${host.config.name} has no SSH settings`,
                    this,
                );
            }
            new command.remote.Command(
                `${name}-register-${host.config.name}`,
                {
                    connection: {
                        host: ssh.host,
                        user: ssh.user,
                        port: ssh.port,
                        privateKey: ssh.privateKey,
                    },
                    create: pulumi.interpolate`sudo sh -eu <<'F4A'
${firewall}
F4A
${cluster.clusterRegistrationToken.nodeCommand} --etcd --controlplane --worker \
    --address ${host.address}`,
                    logging: "none",
                },
                { parent: this },
            );
        }
        return { clusterId: cluster.clusterV1Id, kubeconfig: pulumi.secret(cluster.kubeConfig) };
    }
}
