import { Endpoint, endpointPolicy } from "../lib/exposure";
import { serviceMentions } from "../lib/services";
import { imageIs, WorkloadContainer } from "../lib/workloads";

const kubeApiServerImage = /(^|\/)kube-apiserver(-[a-z0-9]+)?$/;

/**
 * The API port a container's arguments set: k3s/rke2 `--https-listen-port`, and kube-apiserver's
 * `--secure-port` (for kube-apiserver only: other components take the flag for their own port).
 */
function apiServerPortsOf(container: WorkloadContainer): number[] {
    const apiServerBinary =
        imageIs(container.image, kubeApiServerImage) ||
        container.arguments.some((word) => /(^|\/)kube-apiserver$/.test(word));
    const flags = apiServerBinary
        ? /^--?(https-listen-port|secure-port)$/
        : /^--?https-listen-port$/;
    const ports: number[] = [];
    container.arguments.forEach((word, index) => {
        const [flag, inline] = word.split(/=(.*)/s);
        const value = inline ?? container.arguments[index + 1];
        if (flags.test(flag) && /^\d+$/.test(value ?? "")) {
            ports.push(Number(value));
        }
    });
    return ports;
}

// Limitation: a k3s/rke2 container or pod in the host network that does not declare 6443 among
// its ports is not recognised; only kube-apiserver images count whatever ports they declare.
export const apiServer: Endpoint = {
    label: "the Kubernetes API server",
    ports: [6443],
    portsOf: apiServerPortsOf,
    portNames: ["kube-apiserver", "apiserver"],
    isEndpointContainer: (container) => imageIs(container.image, kubeApiServerImage),
    isEndpointService: (service) =>
        (service.name === "kubernetes" && service.namespace === "default") ||
        serviceMentions(service, /^kube-apiserver$/),
    fix:
        "bind 6443 to a private address (ports[].ip / hostIP), keep the Service ClusterIP or an " +
        "internal load balancer, or set loadBalancerSourceRanges to the admin networks",
};

/**
 * Stops the Kubernetes API server (6443, or the port `--https-listen-port` / kube-apiserver's
 * `--secure-port` sets; kube-apiserver images; the `kubernetes` Service) from
 * being reachable from public networks: a container port (k3s, kind, rke2 in Docker) bound to
 * all interfaces or a public address, a pod `hostPort`/`hostNetwork`, or a NodePort,
 * LoadBalancer without source ranges (or open to 0.0.0.0/0, ::/0) or public externalIPs Service.
 *
 * Reads: docker `Container.ports[].{internal, external, ip}`, `networkMode`; swarm
 * `endpointSpec.ports`; pod specs' ports, `hostPort`, `hostIP`, `hostNetwork`, image; Service
 * `spec.{type, ports[].{name, port, targetPort}, externalIPs, loadBalancerSourceRanges}`,
 * `metadata.annotations`, name, selector, labels.
 *
 * Fix: bind to a private address, use an internal load balancer or restrict source ranges.
 *
 * Corresponds to: CIS Docker Benchmark 5.13 (v1.2.0) for the container binding; Checkov
 * CKV_K8S_26 / Trivy KSV024 (hostPort) and Checkov CKV_K8S_19 / Trivy KSV009 (hostNetwork) for
 * pod specs; no direct equivalent for Services.
 */
export const kubernetesApiServerNotPublic = endpointPolicy(
    {
        name: "kubernetes-api-server-not-public",
        description: "The Kubernetes API server must not be reachable from public networks.",
        severity: "critical",
    },
    apiServer,
);
