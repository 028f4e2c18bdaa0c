import { at, KubernetesObject, kubernetesObjectsOf } from "./kubernetesObjects";
import { isPubliclyReachable, PrivateNetworks, reachOf } from "./network";
import { Finding, PolicyMetadata, resourcePolicy, ResourceView } from "./policy";
import { isService, publicServiceExposure, ServicePort, servicePorts } from "./services";
import { Settings } from "./settings";
import { containersOf, PortBinding, WorkloadContainer } from "./workloads";

/**
 * A management endpoint, described by what identifies it: the ports it listens on, the Service
 * port names it goes by, and predicates that recognise its containers and Services outright.
 */
export interface Endpoint {
    /** What is exposed, in words: "the kubelet API". */
    label: string;
    ports: number[];
    /** Ports a container's own arguments move the endpoint to (`--secure-port=7443`). */
    portsOf?: (container: WorkloadContainer) => number[];
    /** Match `ports` on the container side only (a host port carries whatever maps to it). */
    containerSideOnly?: boolean;
    /**
     * Count `publishAllPorts` (every port the image EXPOSEs) as publishing this endpoint's
     * ports, for images that may expose them; whole-container endpoints always count it.
     */
    countsEveryExposedPort?: boolean;
    portNames?: string[];
    /** A container that is this endpoint: any port it publishes counts. */
    isEndpointContainer?: (container: WorkloadContainer) => boolean;
    /** A Service in front of this endpoint: any port it opens counts. */
    isEndpointService?: (service: KubernetesObject) => boolean;
    /** Services a Helm chart of this endpoint renders, read from its values. */
    chartServices?: (resource: ResourceView) => KubernetesObject[];
    fix: string;
}

function reachText(hostIp: string | undefined, networks: PrivateNetworks): string | undefined {
    const reach = reachOf(hostIp, networks);
    if (!isPubliclyReachable(reach)) {
        return undefined;
    }
    return reach === "all-interfaces"
        ? `all interfaces${hostIp ? ` (${hostIp})` : " (no ip set)"}`
        : `public address ${hostIp}`;
}

function portText(binding: PortBinding): string {
    if (binding.everyExposedPort) {
        return "every port the image exposes, on random host ports (publishAllPorts)";
    }
    const host =
        binding.hostPort === undefined ? "a random host port" : `host port ${binding.hostPort}`;
    return binding.containerPort === undefined
        ? host
        : `${host} → container port ${binding.containerPort}/${binding.protocol}`;
}

/** Public port bindings of a container that reach the endpoint. */
export function containerExposures(
    container: WorkloadContainer,
    endpoint: Endpoint,
    networks: PrivateNetworks,
): Finding[] {
    const wholeContainer = endpoint.isEndpointContainer?.(container) ?? false;
    const ports = [...endpoint.ports, ...(endpoint.portsOf?.(container) ?? [])];
    const findings: Finding[] = [];
    for (const binding of container.bindings) {
        const matches =
            wholeContainer ||
            (binding.everyExposedPort === true && endpoint.countsEveryExposedPort === true) ||
            ports.includes(binding.containerPort ?? -1) ||
            (!endpoint.containerSideOnly && ports.includes(binding.hostPort ?? -1));
        const reach = binding.hostIpUnknown ? undefined : reachText(binding.hostIp, networks);
        if (matches && reach) {
            findings.push({
                exposed: `${endpoint.label} published on ${reach}, ${portText(binding)}`,
                field: binding.field,
                fix: endpoint.fix,
            });
        }
    }
    const bound = new Set(container.bindings.map((binding) => binding.containerPort));
    const unboundHostPorts = container.declaredPorts.filter(
        (port) => !bound.has(port) && ports.includes(port),
    );
    const listensOnHost = wholeContainer || unboundHostPorts.length > 0;
    if (container.hostNetwork && findings.length === 0 && listensOnHost) {
        findings.push({
            exposed:
                `${endpoint.label} listens in the host's network namespace, so on every ` +
                `interface of the host` +
                (unboundHostPorts.length > 0 ? ` (port ${unboundHostPorts.join(", ")})` : ""),
            field: container.field === "" ? "networkMode" : `${container.field} (hostNetwork)`,
            fix: endpoint.fix,
        });
    }
    return findings;
}

function portMatches(port: ServicePort, endpoint: Endpoint): boolean {
    const names = endpoint.portNames ?? [];
    return (
        endpoint.ports.includes(port.port ?? -1) ||
        endpoint.ports.includes(port.targetPort ?? -1) ||
        names.includes(port.name) ||
        names.includes(port.targetPortName ?? "")
    );
}

/** Ports of a publicly reachable Service that lead to the endpoint. */
export function serviceExposures(
    service: KubernetesObject,
    endpoint: Endpoint,
    networks: PrivateNetworks,
    whole = false,
): Finding[] {
    const exposure = publicServiceExposure(service, networks);
    if (!exposure) {
        return [];
    }
    const wholeService = whole || (endpoint.isEndpointService?.(service) ?? false);
    const ports = servicePorts(service);
    if (wholeService && ports.length === 0) {
        // A patch that changes only the type of a known Service keeps the ports it had.
        return [
            {
                exposed: `${endpoint.label} exposed through ${exposure}, every port of the Service`,
                field: at(service, "spec.type"),
                fix: endpoint.fix,
            },
        ];
    }
    return ports
        .filter((port) => wholeService || portMatches(port, endpoint))
        .map((port) => ({
            exposed:
                `${endpoint.label} exposed through ${exposure}` +
                (port.port === undefined
                    ? ""
                    : `, port ${port.port}${port.name ? ` ("${port.name}")` : ""} → target ` +
                      `${port.targetPortName ?? port.targetPort ?? "?"}`),
            field: port.field,
            fix: endpoint.fix,
        }));
}

/** Every way a resource publishes the endpoint: container ports, host network, Services. */
export function endpointExposures(
    resource: ResourceView,
    settings: Settings,
    endpoint: Endpoint,
): Finding[] {
    const networks = settings.privateNetworks;
    return [
        ...containersOf(resource).flatMap((container) =>
            containerExposures(container, endpoint, networks),
        ),
        ...kubernetesObjectsOf(resource)
            .filter(isService)
            .flatMap((service) => serviceExposures(service, endpoint, networks)),
        ...(endpoint.chartServices?.(resource) ?? []).flatMap((service) =>
            serviceExposures(service, endpoint, networks, true),
        ),
    ];
}

/** A policy that blocks every public exposure of one endpoint; its fix is the endpoint's. */
export function endpointPolicy(
    metadata: Omit<PolicyMetadata, "remediationSteps">,
    endpoint: Endpoint,
) {
    return resourcePolicy({
        ...metadata,
        remediationSteps: endpoint.fix,
        check: (resource, settings) => endpointExposures(resource, settings, endpoint),
    });
}
