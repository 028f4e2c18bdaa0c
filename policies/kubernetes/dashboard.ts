import { Endpoint, endpointPolicy } from "../lib/exposure";
import { chartInstallOf, chartService } from "../lib/kubernetesObjects";
import { serviceMentions } from "../lib/services";
import { imageIs } from "../lib/workloads";

export const dashboard: Endpoint = {
    label: "the Kubernetes dashboard",
    // 8443 and 9090 are the dashboard's ports, but also Traefik's websecure and Prometheus'
    // ports: only containers and Services recognised as the dashboard are judged.
    ports: [],
    isEndpointContainer: (container) =>
        imageIs(
            container.image,
            /(^|\/)(kubernetesui\/dashboard[a-z-]*|kubernetes-dashboard[a-z-]*)$/,
        ),
    isEndpointService: (service) => serviceMentions(service, /kubernetes-dashboard/),
    chartServices: (resource) => {
        const install = chartInstallOf(resource);
        if (!install || !/kubernetes-dashboard$/.test(install.chart)) {
            return [];
        }
        // Chart 6 and older: `service`; chart 7 serves the dashboard through Kong: `kong.proxy`.
        const values = install.values;
        return [
            chartService(values, "ClusterIP"),
            chartService(values, "ClusterIP", "kong.proxy"),
        ].filter((service) => service !== undefined);
    },
    fix:
        "keep the dashboard's Service ClusterIP and reach it with kubectl port-forward or " +
        "kubectl proxy, or bind its ports to a private address",
};

/**
 * Stops the Kubernetes dashboard (kubernetesui/dashboard images, `kubernetes-dashboard`
 * Services, its 8443/9090 ports) from being reachable from public networks through a published
 * container port, a pod `hostPort`/`hostNetwork`, or a NodePort, LoadBalancer or public
 * externalIPs Service.
 *
 * Reads: container images and port bindings (docker `ports[].{internal, external, ip}`, pod
 * `hostPort`, `hostIP`, `hostNetwork`); Service name, `spec.selector`, `metadata.labels`,
 * `spec.{type, ports, externalIPs, loadBalancerSourceRanges}`.
 *
 * Fix: keep it ClusterIP and use port-forward, or bind it to a private address.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy id confirmed for the dashboard
 * itself; Checkov CKV_K8S_26 / Trivy KSV024 apply to the hostPort form.
 */
export const kubernetesDashboardNotPublic = endpointPolicy(
    {
        name: "kubernetes-dashboard-not-public",
        description: "The Kubernetes dashboard must not be reachable from public networks.",
        severity: "high",
    },
    dashboard,
);
