import { ResourceValidationPolicy } from "@pulumi/policy";

import { apiServer, kubernetesApiServerNotPublic } from "../kubernetes/apiServer";
import { dashboard, kubernetesDashboardNotPublic } from "../kubernetes/dashboard";
import { kubelet, kubeletApiNotPublic } from "../kubernetes/kubelet";
import { Endpoint } from "../lib/exposure";
import { at, KubernetesObject, kubernetesObjectsOf } from "../lib/kubernetesObjects";
import { checkOf, ResourceView, StackFinding } from "../lib/policy";
import { isService, publicServiceExposure, servicePorts } from "../lib/services";
import { Settings } from "../lib/settings";
import {
    containerStaticConfig,
    isTraefikContainer,
    traefikEntrypointPorts,
} from "../lib/traefikStaticConfig";
import { field, integer, list, record, stringMap, text } from "../lib/values";
import { podContainers, podSpecPaths, WorkloadContainer } from "../lib/workloads";
import { rancherServer, rancherServerNotPublic } from "../rancher/serverPublic";
import { traefikEntrypointNotExposed } from "../traefik/entrypointExposed";

/** A container a Service selects, with its ports by name (what a named `targetPort` means). */
interface SelectedContainer {
    container: WorkloadContainer;
    portsByName: Map<string, number>;
}

/** What a selected container serves: the endpoint, the policy it breaks, the ports it uses. */
interface Served {
    policy: ResourceValidationPolicy;
    endpoint: Endpoint;
    /** Every port of the Service leads to it (the container is the endpoint). */
    whole: boolean;
    ports: number[];
}

const workloadKinds = new Set([
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
]);

function podLabels(object: KubernetesObject): Map<string, string> {
    return stringMap(
        object.kind === "Pod"
            ? object.metadata.labels
            : field(object.body, "spec", "template", "metadata", "labels"),
    );
}

function selectedContainers(object: KubernetesObject): SelectedContainer[] {
    const podSpec = record(field(object.body, ...podSpecPaths[object.kind]));
    const declared = [...list(podSpec.initContainers), ...list(podSpec.containers)];
    return podContainers(object).map((container, index) => {
        const portsByName = new Map<string, number>();
        for (const port of list(field(declared[index], "ports"))) {
            const name = text(field(port, "name"));
            const number = integer(field(port, "containerPort"));
            if (name !== undefined && number !== undefined) {
                portsByName.set(name.toLowerCase(), number);
            }
        }
        return { container, portsByName };
    });
}

/** Containers of the stack's pods whose labels the Service's selector matches. */
function containersSelectedBy(
    service: KubernetesObject,
    workloads: KubernetesObject[],
): SelectedContainer[] {
    const selector = stringMap(service.spec.selector);
    if (selector.size === 0) {
        return [];
    }
    return workloads
        .filter((workload) => workload.namespace === service.namespace)
        .filter((workload) => {
            const labels = podLabels(workload);
            return [...selector].every(([key, value]) => labels.get(key) === value);
        })
        .flatMap(selectedContainers);
}

function servedBy(container: WorkloadContainer): Served[] {
    const served: Served[] = [
        {
            policy: kubernetesApiServerNotPublic,
            endpoint: apiServer,
            whole: apiServer.isEndpointContainer?.(container) ?? false,
            ports: [...apiServer.ports, ...(apiServer.portsOf?.(container) ?? [])],
        },
        { policy: kubeletApiNotPublic, endpoint: kubelet, whole: false, ports: kubelet.ports },
        {
            policy: kubernetesDashboardNotPublic,
            endpoint: dashboard,
            whole: dashboard.isEndpointContainer?.(container) ?? false,
            ports: [],
        },
        {
            policy: rancherServerNotPublic,
            endpoint: rancherServer,
            whole: rancherServer.isEndpointContainer?.(container) ?? false,
            ports: [],
        },
    ];
    if (isTraefikContainer(container)) {
        served.push({
            policy: traefikEntrypointNotExposed,
            endpoint: {
                label: "Traefik's traefik entrypoint (API, dashboard)",
                ports: [],
                fix: traefikEntrypointNotExposed.remediationSteps ?? "",
            },
            whole: false,
            ports: traefikEntrypointPorts(containerStaticConfig(container)),
        });
    }
    return served;
}

/**
 * A public Service judged by the pods it selects in the stack: a port whose target (a number,
 * or a container port's name) is a port those containers serve a management API on, or any
 * port when the container is the endpoint (dashboard, Rancher, kube-apiserver images).
 */
function serviceFindings(
    resource: ResourceView,
    service: KubernetesObject,
    workloads: KubernetesObject[],
    settings: Settings,
): StackFinding[] {
    const exposure = publicServiceExposure(service, settings.privateNetworks);
    const selected = exposure ? containersSelectedBy(service, workloads) : [];
    const findings: StackFinding[] = [];
    const reported = new Set<string>();
    for (const { container, portsByName } of selected) {
        for (const served of servedBy(container)) {
            const already = new Set(
                checkOf(served.policy)(resource, settings).map((found) => found.field),
            );
            servicePorts(service).forEach((port) => {
                const target = port.targetPortName
                    ? portsByName.get(port.targetPortName)
                    : port.targetPort;
                const key = `${served.policy.name} ${port.field}`;
                const leads = served.whole || served.ports.includes(target ?? -1);
                if (!leads || already.has(port.field) || reported.has(key)) {
                    return;
                }
                reported.add(key);
                findings.push({
                    exposed:
                        `[${served.policy.name}] ${served.endpoint.label} (${container.image}, ` +
                        `selected by spec.selector) exposed through ${exposure}, port ` +
                        `${port.port ?? "?"} → container port ${target ?? "?"}`,
                    field: port.field === "" ? at(service, "spec.ports") : port.field,
                    fix: served.endpoint.fix,
                    resource,
                });
            });
        }
    }
    return findings;
}

/** Public Services of the stack in front of pods of the stack that serve a management API. */
export function servicesInFrontOfManagementPods(
    resources: ResourceView[],
    settings: Settings,
): StackFinding[] {
    const workloads = resources
        .flatMap(kubernetesObjectsOf)
        .filter((object) => workloadKinds.has(object.kind));
    return resources.flatMap((resource) =>
        kubernetesObjectsOf(resource)
            .filter(isService)
            .flatMap((service) => serviceFindings(resource, service, workloads, settings)),
    );
}
