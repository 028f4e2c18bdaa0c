import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";

export interface ClusterRegistrationArgs {
    rancherProvider: rancher2.Provider;
    kubernetesProvider: k8s.Provider;
    kubeconfig: pulumi.Output<string>;
    /** Rancher's CA, when Rancher's certificate is signed by the platform's own CA. */
    rancherCaPem?: pulumi.Output<string>;
    /**
     * Where the cluster's pods find Rancher when no DNS server knows its host name: the
     * Rancher container's address on a Docker network the cluster shares with it.
     */
    rancherHostAlias?: { hostname: string; address: pulumi.Output<string> };
}

/**
 * Imports a cluster that Rancher did not provision (k3s, or one that already existed) into
 * Rancher: the cluster is declared in Rancher, and Rancher's agent manifest is applied to it.
 */
export class ClusterRegistration extends pulumi.ComponentResource {
    public readonly clusterId: pulumi.Output<string>;

    constructor(
        name: string,
        args: ClusterRegistrationArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("flex4apps:rancher:ClusterRegistration", name, {}, opts);

        const dependsOn: pulumi.Resource[] = [];
        if (args.rancherHostAlias) {
            // k3s's CoreDNS reads extra server blocks from this ConfigMap.
            const { hostname, address } = args.rancherHostAlias;
            dependsOn.push(
                new k8s.core.v1.ConfigMap(
                    `${name}-rancher-dns`,
                    {
                        metadata: { name: "coredns-custom", namespace: "kube-system" },
                        data: {
                            "rancher.server": pulumi.interpolate`${hostname}:53 {
    hosts {
        ${address} ${hostname}
    }
}
`,
                        },
                    },
                    { parent: this, provider: args.kubernetesProvider },
                ),
            );
        }

        const cluster = new rancher2.Cluster(
            `${name}-cluster`,
            { name, description: "Imported by the Flex4Apps platform program" },
            { parent: this, provider: args.rancherProvider },
        );
        this.clusterId = cluster.id;

        // Limitation: the agent manifest is applied with the local `curl` and `kubectl`, so the
        // machine that runs `pulumi up` needs both and must reach Rancher's URL.
        new command.local.Command(
            `${name}-agent`,
            {
                create: [
                    "set -eu",
                    "umask 077",
                    "dir=$(mktemp -d); trap 'rm -rf \"$dir\"' EXIT",
                    'printf "%s" "$F4A_KUBECONFIG" > "$dir/kubeconfig"',
                    'printf "%s" "$F4A_RANCHER_CA" > "$dir/ca.pem"',
                    'ca=""; [ -s "$dir/ca.pem" ] && ca="--cacert $dir/ca.pem"',
                    'curl -fsS $ca "$F4A_MANIFEST_URL" |',
                    '  kubectl --kubeconfig "$dir/kubeconfig" apply -f -',
                ].join("\n"),
                environment: {
                    F4A_KUBECONFIG: args.kubeconfig,
                    F4A_RANCHER_CA: args.rancherCaPem ?? "",
                    F4A_MANIFEST_URL: cluster.clusterRegistrationToken.manifestUrl,
                },
                logging: "none",
            },
            { parent: this, dependsOn },
        );

        this.registerOutputs({ clusterId: this.clusterId });
    }
}
