import { at, KubernetesObject } from "./kubernetesObjects";
import { isPubliclyReachable, opensToTheWorld, PrivateNetworks, reachOf } from "./network";
import { field, integer, isUnknown, list, stringMap, text } from "./values";

/** A port of a Service, with the names it can be matched by. */
export interface ServicePort {
    name: string;
    port?: number;
    targetPort?: number;
    targetPortName?: string;
    field: string;
}

/**
 * Annotations that make a cloud load balancer internal (reachable only from the cloud network).
 * A value of "true" (or the provider's own word for internal) is what turns each one on.
 */
const internalLoadBalancerAnnotations: Record<string, RegExp> = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": /^(true|0\.0\.0\.0\/0)$/i,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": /^internal$/i,
    "service.beta.kubernetes.io/azure-load-balancer-internal": /^true$/i,
    "networking.gke.io/load-balancer-type": /^internal$/i,
    "cloud.google.com/load-balancer-type": /^internal$/i,
    "service.beta.kubernetes.io/openstack-internal-load-balancer": /^true$/i,
    "service.beta.kubernetes.io/oci-load-balancer-internal": /^true$/i,
    "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": /^private$/i,
};

export function isService(object: KubernetesObject): boolean {
    return object.kind === "Service" && (object.apiVersion === "v1" || object.apiVersion === "");
}

export function servicePorts(object: KubernetesObject): ServicePort[] {
    return list(object.spec.ports).map((port, index) => {
        const target = field(port, "targetPort");
        return {
            name: (text(field(port, "name")) ?? "").toLowerCase(),
            port: integer(field(port, "port")),
            targetPort: target === undefined ? integer(field(port, "port")) : integer(target),
            targetPortName: integer(target) === undefined ? text(target)?.toLowerCase() : undefined,
            field: at(object, `spec.ports[${index}]`),
        };
    });
}

/**
 * How a Service can be reached from public networks, in words, or `undefined` when it cannot:
 * a NodePort (every node's addresses), a LoadBalancer without internal annotation whose source
 * ranges are absent or let in every address, or a public `externalIPs` entry. A type that is not
 * known yet is not judged.
 */
export function publicServiceExposure(
    object: KubernetesObject,
    networks: PrivateNetworks,
): string | undefined {
    const type = field(object.spec, "type");
    const publicExternalIps = list(object.spec.externalIPs)
        .map((address) => text(address))
        .filter((address): address is string => address !== undefined)
        .filter((address) => isPubliclyReachable(reachOf(address, networks)));
    if (publicExternalIps.length > 0) {
        return `public externalIPs ${publicExternalIps.join(", ")} (spec.externalIPs)`;
    }
    if (isUnknown(type)) {
        return undefined;
    }
    if (type === "NodePort") {
        return "a NodePort Service, reachable on every node's addresses (spec.type)";
    }
    if (type !== "LoadBalancer") {
        return undefined;
    }
    const annotations = stringMap(object.metadata.annotations);
    // The AWS Load Balancer Controller reads the scheme first: internet-facing wins.
    const internetFacing = /^internet-facing$/i.test(
        (annotations.get("service.beta.kubernetes.io/aws-load-balancer-scheme") ?? "").trim(),
    );
    const internal =
        !internetFacing &&
        Object.entries(internalLoadBalancerAnnotations).some(([name, value]) =>
            value.test(annotations.get(name) ?? ""),
        );
    if (internal) {
        return undefined;
    }
    return loadBalancerOpenness(object, annotations, networks);
}

function loadBalancerOpenness(
    object: KubernetesObject,
    annotations: Map<string, string>,
    networks: PrivateNetworks,
): string | undefined {
    const sourceRanges = list(object.spec.loadBalancerSourceRanges);
    if (sourceRanges.some(isUnknown)) {
        return undefined;
    }
    const ranges = sourceRanges
        .map((range) => text(range))
        .filter((range): range is string => range !== undefined);
    const annotated = annotations.get("service.beta.kubernetes.io/load-balancer-source-ranges");
    if (ranges.length === 0 && annotated) {
        ranges.push(...annotated.split(",").map((range) => range.trim()));
    }
    if (ranges.length === 0) {
        return (
            "a LoadBalancer Service open to every address " +
            "(spec.type LoadBalancer, no spec.loadBalancerSourceRanges)"
        );
    }
    if (opensToTheWorld(ranges, networks)) {
        return (
            `a LoadBalancer Service open to the world: ${ranges.join(", ")} ` +
            "(spec.loadBalancerSourceRanges, every address or a public range broader than " +
            "/8 or /16)"
        );
    }
    return undefined;
}

/** Whether a Service's name, labels or selector mention a word (e.g. "traefik", "rancher"). */
export function serviceMentions(object: KubernetesObject, word: RegExp): boolean {
    const values = [
        object.name,
        ...stringMap(object.spec.selector).values(),
        ...stringMap(object.metadata.labels).values(),
    ];
    return values.some((value) => word.test(value));
}
