import { Endpoint, endpointPolicy } from "../lib/exposure";

export const kubelet: Endpoint = {
    label: "the kubelet API",
    ports: [10250, 10255],
    portNames: ["kubelet", "kubelet-readonly"],
    fix:
        "never publish 10250/10255: remove the Service or port, or bind it to a private address; " +
        "reach the kubelet through the API server (kubectl logs/exec) instead",
};

/**
 * Stops the kubelet API (10250 authenticated, 10255 read-only) from being reachable from public
 * networks through a published container port, a pod `hostPort`/`hostNetwork`, or a NodePort,
 * LoadBalancer or public externalIPs Service.
 *
 * Reads: docker `Container.ports[].{internal, external, ip}`, `networkMode`; swarm
 * `endpointSpec.ports`; pod specs' ports, `hostPort`, `hostIP`, `hostNetwork`; Service
 * `spec.{type, ports[].{name, port, targetPort}, externalIPs, loadBalancerSourceRanges}` and
 * internal-load-balancer annotations.
 *
 * Fix: remove the exposure; reach kubelets through the API server.
 *
 * Corresponds to: CIS Kubernetes Benchmark 4.2.4 and Checkov CKV_K8S_141 (read-only port set
 * to 0) for 10255; Checkov CKV_K8S_26 / Trivy KSV024 (hostPort); no direct equivalent for
 * Services.
 */
export const kubeletApiNotPublic = endpointPolicy(
    {
        name: "kubelet-api-not-public",
        description: "The kubelet API (10250/10255) must not be reachable from public networks.",
        severity: "critical",
    },
    kubelet,
);
