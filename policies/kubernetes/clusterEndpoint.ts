import { opensToTheWorld, PrivateNetworks, reachOf, splitAddress } from "../lib/network";
import { Finding, resourcePolicy } from "../lib/policy";
import { field, isRecord, isTrue, isUnknown, list, Plain, PlainRecord, text } from "../lib/values";

const fix =
    "make the API endpoint private (private endpoint / private cluster) or restrict the " +
    "allowed CIDRs to the networks administrators connect from";

/** The `server:` entries of a kubeconfig, in YAML or JSON. */
function kubeconfigServers(kubeconfig: Plain | undefined): string[] {
    const content = isRecord(kubeconfig) ? JSON.stringify(kubeconfig) : text(kubeconfig);
    return [...(content ?? "").matchAll(/["']?server["']?\s*:\s*["']?([^\s"',}]+)/g)].map(
        (match) => match[1],
    );
}

// Limitation: a kubeconfig server given by host name is not judged (its addresses are not known
// from the program); neither is the default provider's ~/.kube/config.
function providerFindings(props: PlainRecord, networks: PrivateNetworks): Finding[] {
    return kubeconfigServers(props.kubeconfig)
        .filter((server) => reachOf(splitAddress(server).host, networks) === "public")
        .map((server) => ({
            exposed: `the Kubernetes API server ${server} is served on a public IP address`,
            field: "kubeconfig (clusters[].cluster.server)",
            fix,
        }));
}

function cidrs(value: Plain | undefined, key?: string): string[] {
    return list(value)
        .map((entry) => text(key === undefined ? entry : field(entry, key)))
        .filter((cidr): cidr is string => cidr !== undefined);
}

/** A public endpoint open to the world: `allowed` absent/empty, or opening it (network.ts). */
function openToWorld(allowed: string[] | undefined): boolean {
    return allowed === undefined || allowed.length === 0 || opensToTheWorld(allowed);
}

function finding(what: string, fieldPath: string): Finding {
    return { exposed: `the Kubernetes API endpoint ${what}`, field: fieldPath, fix };
}

/** AWS EKS (`aws` and the `eks` component): the public endpoint is on by default, open to all. */
function eksFindings(
    publicAccess: Plain | undefined,
    allowed: Plain | undefined,
    allowedField: string,
): Finding[] {
    if (isUnknown(publicAccess) || isUnknown(allowed) || publicAccess === false) {
        return [];
    }
    const ranges = allowed === undefined ? undefined : cidrs(allowed);
    return openToWorld(ranges)
        ? [finding("is public and open to every address", allowedField)]
        : [];
}

/** Each cluster type that carries an API endpoint or its allowed CIDRs. */
const clusterChecks: Record<string, (props: PlainRecord) => Finding[]> = {
    "aws:eks/cluster:Cluster": (props) =>
        eksFindings(
            field(props, "vpcConfig", "endpointPublicAccess"),
            field(props, "vpcConfig", "publicAccessCidrs"),
            "vpcConfig.publicAccessCidrs",
        ),
    "eks:index:Cluster": (props) =>
        eksFindings(props.endpointPublicAccess, props.publicAccessCidrs, "publicAccessCidrs"),
    "gcp:container/cluster:Cluster": (props) => {
        if (isTrue(field(props, "privateClusterConfig", "enablePrivateEndpoint"))) {
            return [];
        }
        const networks = field(props, "masterAuthorizedNetworksConfig");
        if (isUnknown(networks)) {
            return [];
        }
        const ranges =
            networks === undefined ? undefined : cidrs(field(networks, "cidrBlocks"), "cidrBlock");
        return openToWorld(ranges)
            ? [finding("is public without authorized networks", "masterAuthorizedNetworksConfig")]
            : [];
    },
    "azure-native:containerservice:ManagedCluster": (props) => {
        const profile = field(props, "apiServerAccessProfile");
        if (isUnknown(profile) || isTrue(field(profile, "enablePrivateCluster"))) {
            return [];
        }
        return openToWorld(cidrs(field(profile, "authorizedIPRanges")))
            ? [finding("is public without authorized IP ranges", "apiServerAccessProfile")]
            : [];
    },
    "azure:containerservice/kubernetesCluster:KubernetesCluster": (props) => {
        const profile = field(props, "apiServerAccessProfile");
        if (isUnknown(profile) || isTrue(props.privateClusterEnabled)) {
            return [];
        }
        const ranges = [
            ...cidrs(field(profile, "authorizedIpRanges")),
            ...cidrs(props.apiServerAuthorizedIpRanges),
        ];
        return openToWorld(ranges)
            ? [finding("is public without authorized IP ranges", "apiServerAccessProfile")]
            : [];
    },
    // Rancher-provisioned hosted clusters: only what the program states explicitly is judged.
    "rancher2:index/cluster:Cluster": (props) => {
        const findings: Finding[] = [];
        const eks = field(props, "eksConfigV2");
        if (isTrue(field(eks, "publicAccess"))) {
            const sources = field(eks, "publicAccessSources");
            findings.push(...eksFindings(true, sources, "eksConfigV2.publicAccessSources"));
        }
        const aks = field(props, "aksConfigV2");
        const aksRanges = cidrs(field(aks, "authorizedIpRanges"));
        if (!isTrue(field(aks, "privateCluster")) && opensToTheWorld(aksRanges)) {
            findings.push(finding("is open to every address", "aksConfigV2.authorizedIpRanges"));
        }
        const gkeRanges = cidrs(
            field(props, "gkeConfigV2", "masterAuthorizedNetworksConfig", "cidrBlocks"),
            "cidrBlock",
        );
        if (opensToTheWorld(gkeRanges)) {
            findings.push(
                finding(
                    "is open to every address",
                    "gkeConfigV2.masterAuthorizedNetworksConfig.cidrBlocks",
                ),
            );
        }
        return findings;
    },
};

/**
 * Stops cluster resources from putting the Kubernetes API endpoint on public networks: a
 * Kubernetes provider whose kubeconfig points at a public IP literal, and hosted clusters (EKS,
 * GKE, AKS, and the same through rancher2) whose public endpoint lets in every address.
 *
 * Reads: `pulumi:providers:kubernetes` `kubeconfig` (`server:` entries); aws `eks.Cluster`
 * `vpcConfig.{endpointPublicAccess, publicAccessCidrs}`; eks `Cluster.{endpointPublicAccess,
 * publicAccessCidrs}`; gcp `container.Cluster.{privateClusterConfig.enablePrivateEndpoint,
 * masterAuthorizedNetworksConfig.cidrBlocks}`; azure-native `ManagedCluster.
 * apiServerAccessProfile.{enablePrivateCluster, authorizedIPRanges}`; azure `KubernetesCluster.
 * {privateClusterEnabled, apiServerAccessProfile.authorizedIpRanges, apiServerAuthorizedIpRanges}`;
 * rancher2 `Cluster.{eksConfigV2, aksConfigV2, gkeConfigV2}` access fields.
 *
 * Fix: private endpoint, or allowed CIDRs limited to the admin networks.
 *
 * Corresponds to: Checkov CKV_AWS_38 and CKV_AWS_39 (EKS), CKV_GCP_20 (GKE master authorized
 * networks), CKV_AZURE_6 (AKS authorized IP ranges); no direct equivalent for kubeconfigs.
 */
export const kubernetesClusterEndpointNotPublic = resourcePolicy({
    name: "kubernetes-cluster-endpoint-not-public",
    description: "A cluster's Kubernetes API endpoint must not be open to public networks.",
    severity: "high",
    remediationSteps: fix,
    check: (resource, settings) => {
        if (resource.type === "pulumi:providers:kubernetes") {
            return providerFindings(resource.props, settings.privateNetworks);
        }
        return clusterChecks[resource.type]?.(resource.props) ?? [];
    },
});
