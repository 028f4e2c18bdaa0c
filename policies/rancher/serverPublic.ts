import { Endpoint, endpointPolicy } from "../lib/exposure";
import { serviceMentions } from "../lib/services";
import { imageIs } from "../lib/workloads";

// Limitation: the Rancher Helm chart's own values (its Service type, its Ingress) are not judged;
// an Ingress with TLS is the way the chart publishes Rancher, and it is not blocked.
export const rancherServer: Endpoint = {
    label: "the Rancher server (UI and API)",
    ports: [],
    isEndpointContainer: (container) => imageIs(container.image, /(^|\/)rancher\/rancher$/),
    isEndpointService: (service) => serviceMentions(service, /^rancher$/),
    fix:
        "bind the Rancher container's ports to a private address (ports[].ip), keep its " +
        "Service ClusterIP behind an ingress with TLS, or restrict loadBalancerSourceRanges",
};

/**
 * Stops the Rancher server, whose UI is its API and manages every downstream cluster, from
 * being published to public networks: a `rancher/rancher` container publishing any port on all
 * interfaces or a public address (or in the host network), or a Service named or selecting
 * `rancher` that is a NodePort, an open LoadBalancer or has public externalIPs.
 *
 * Reads: container image and bindings (docker `ports[].{internal, external, ip}`,
 * `networkMode`; pod `hostPort`, `hostIP`, `hostNetwork`); Service name, `spec.selector`,
 * `metadata.labels`, `spec.{type, ports, externalIPs, loadBalancerSourceRanges}`.
 *
 * Fix: bind to a private address, or keep the Service internal.
 *
 * Corresponds to: CIS Docker Benchmark 5.13 (v1.2.0) for the container binding; no direct
 * Checkov, Kubescape or Trivy equivalent.
 */
export const rancherServerNotPublic = endpointPolicy(
    {
        name: "rancher-server-not-public",
        description: "The Rancher server must not be published to public networks.",
        severity: "critical",
    },
    rancherServer,
);
