/** Resources as a program declares them, in the raw-input shape the mocks hand to policies. */
import { TestResource } from "./harness";

export function dockerContainer(name: string, props: Record<string, unknown>): TestResource {
    return { type: "docker:index/container:Container", name, props };
}

export function kubernetesService(
    name: string,
    spec: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
): TestResource {
    return {
        type: "kubernetes:core/v1:Service",
        name,
        props: { apiVersion: "v1", kind: "Service", metadata: { name, ...metadata }, spec },
    };
}

/**
 * A Deployment whose pod runs the given containers, with optional pod-spec fields, and
 * optionally a namespace and pod labels (which its selector then matches).
 */
export function deployment(
    name: string,
    containers: Record<string, unknown>[],
    podSpec: Record<string, unknown> = {},
    placement: { namespace?: string; labels?: Record<string, string> } = {},
): TestResource {
    const { namespace, labels } = placement;
    return {
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: namespace === undefined ? { name } : { name, namespace },
            spec: {
                ...(labels ? { selector: { matchLabels: labels } } : {}),
                template: {
                    ...(labels ? { metadata: { labels } } : {}),
                    spec: { containers, ...podSpec },
                },
            },
        },
    };
}

export function helmRelease(name: string, props: Record<string, unknown>): TestResource {
    return { type: "kubernetes:helm.sh/v3:Release", name, props: { chart: "traefik", ...props } };
}

export function traefikCustomResource(
    kind: string,
    name: string,
    spec: Record<string, unknown>,
    namespace = "ingress",
    apiVersion = "traefik.io/v1alpha1",
): TestResource {
    return {
        type: `kubernetes:${apiVersion}:${kind}`,
        name,
        props: { apiVersion, kind, metadata: { name, namespace }, spec },
    };
}

export function dockerLabels(labels: Record<string, string>) {
    return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

/** A `ServicePatch` of an existing Service: only the fields it changes. */
export function servicePatch(
    name: string,
    namespace: string,
    spec: Record<string, unknown>,
): TestResource {
    return {
        type: "kubernetes:core/v1:ServicePatch",
        name: `${namespace}-${name}-patch`,
        props: { metadata: { name, namespace }, spec },
    };
}
