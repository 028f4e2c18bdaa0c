import { containerExposures, Endpoint } from "../lib/exposure";
import { chartService, KubernetesObject, kubernetesObjectsOf } from "../lib/kubernetesObjects";
import { isPubliclyReachable, PrivateNetworks, reachOf } from "../lib/network";
import { Finding, resourcePolicy, ResourceView } from "../lib/policy";
import {
    isService,
    publicServiceExposure,
    ServicePort,
    servicePorts,
    serviceMentions,
} from "../lib/services";
import { Settings } from "../lib/settings";
import {
    addressHost,
    containerStaticConfig,
    isTraefikContainer,
    opensTraefikEntrypoint,
    StaticConfig,
    traefikEntrypointAddress,
    traefikEntrypointPorts,
} from "../lib/traefikStaticConfig";
import {
    field,
    integer,
    isRecord,
    isTrue,
    isUnknown,
    Plain,
    PlainRecord,
    record,
    text,
} from "../lib/values";
import { containersOf } from "../lib/workloads";
import { chartStaticConfig, traefikChartValues } from "./chartValues";

const fix =
    "do not publish the traefik entrypoint: keep ports.traefik.expose false, remove the " +
    "Service port, or bind it to a private address; reach the dashboard with kubectl " +
    "port-forward or through an authenticated router on websecure";

const hostNetworkFix =
    "bind the traefik entrypoint to loopback or a private address " +
    "(--entrypoints.traefik.address=127.0.0.1:8080) or do not run Traefik in the host network";

const label = "Traefik's traefik entrypoint (API, dashboard)";

function containerFindings(resource: ResourceView, networks: PrivateNetworks): Finding[] {
    return containersOf(resource)
        .filter(isTraefikContainer)
        .flatMap((container) => {
            const config = containerStaticConfig(container);
            const endpoint: Endpoint = {
                label,
                ports: traefikEntrypointPorts(config),
                containerSideOnly: true,
                countsEveryExposedPort: true,
                fix,
            };
            // In the host network the entrypoint's own address decides, whatever pods declare.
            const bindings = container.bindings.filter((binding) => !binding.fromHostNetwork);
            const published = containerExposures(
                { ...container, bindings, hostNetwork: false },
                endpoint,
                networks,
            );
            const opens =
                opensTraefikEntrypoint(config) ||
                container.declaredPorts.some((port) => endpoint.ports.includes(port));
            const hostNetwork =
                container.hostNetwork && opens
                    ? hostNetworkFinding(
                          config,
                          networks,
                          container.field === ""
                              ? "networkMode"
                              : `${container.field} (hostNetwork)`,
                      )
                    : [];
            return [...published, ...hostNetwork];
        });
}

/**
 * In the host network, the traefik entrypoint listens on every interface of the host (or node)
 * unless its address names a private one; publishing ports has nothing to do with it.
 */
function hostNetworkFinding(
    config: StaticConfig,
    networks: PrivateNetworks,
    hostNetworkField: string,
): Finding[] {
    const address = traefikEntrypointAddress(config);
    const host = addressHost(address.value);
    if (!isPubliclyReachable(reachOf(host, networks))) {
        return [];
    }
    return [
        {
            exposed:
                `${label} listens on ${address.value} in the host's network, so on ` +
                `${host === "" ? "every interface of the host" : `public address ${host}`}`,
            field: address.field ? `${hostNetworkField}, ${address.field}` : hostNetworkField,
            fix: hostNetworkFix,
        },
    ];
}

/**
 * Whether a Service port leads to the traefik entrypoint: named or targeting "traefik" always;
 * named "dashboard" or targeting 8080/9000 when the Service is Traefik's.
 */
function leadsToEntrypoint(port: ServicePort, service: KubernetesObject): boolean {
    if (port.name === "traefik" || port.targetPortName === "traefik") {
        return true;
    }
    return (
        serviceMentions(service, /traefik/i) &&
        (port.name === "dashboard" ||
            port.targetPortName === "dashboard" ||
            [8080, 9000].includes(port.targetPort ?? -1))
    );
}

function serviceFindings(resource: ResourceView, networks: PrivateNetworks): Finding[] {
    const findings: Finding[] = [];
    for (const service of kubernetesObjectsOf(resource).filter(isService)) {
        const exposure = publicServiceExposure(service, networks);
        for (const port of exposure ? servicePorts(service) : []) {
            if (leadsToEntrypoint(port, service)) {
                findings.push({
                    exposed:
                        `${label} exposed through ${exposure}, port ${port.port ?? "?"}` +
                        `${port.name ? ` ("${port.name}")` : ""}`,
                    field: port.field,
                    fix,
                });
            }
        }
    }
    return findings;
}

/**
 * The Services `ports.traefik.expose` puts the entrypoint on: a boolean before chart 26 (the
 * chart's Service), since then an object whose keys are `default` (that Service) or the name of
 * one of `service.additionalServices`.
 */
function exposedOn(expose: Plain | undefined): string[] {
    if (isRecord(expose)) {
        return Object.entries(expose)
            .filter(([, value]) => isTrue(value))
            .map(([name]) => name);
    }
    return isTrue(expose) ? ["default"] : [];
}

function chartFindings(values: PlainRecord, networks: PrivateNetworks): Finding[] {
    const findings: Finding[] = [];
    const traefikPort = record(field(values, "ports", "traefik"));
    for (const name of exposedOn(traefikPort.expose)) {
        const path = name === "default" ? "service" : `service.additionalServices.${name}`;
        const service = chartService(values, "LoadBalancer", path);
        const exposure = service && publicServiceExposure(service, networks);
        if (exposure) {
            findings.push({
                exposed: `${label} exposed through ${exposure} of the chart's Service ${path}`,
                field: isRecord(traefikPort.expose)
                    ? `values.ports.traefik.expose.${name}`
                    : "values.ports.traefik.expose",
                fix,
            });
        }
    }
    const hostPort = integer(traefikPort.hostPort);
    const hostIp = text(traefikPort.hostIP);
    const hostIpKnown = !isUnknown(traefikPort.hostIP);
    if (hostPort !== undefined && hostIpKnown && isPubliclyReachable(reachOf(hostIp, networks))) {
        findings.push({
            exposed: `${label} bound to host port ${hostPort} on ${hostIp ?? "all interfaces"}`,
            field: "values.ports.traefik.hostPort",
            fix,
        });
    }
    if (isTrue(values.hostNetwork)) {
        // The chart always opens the traefik entrypoint: its probes use ping there.
        findings.push(
            ...hostNetworkFinding(chartStaticConfig(values), networks, "values.hostNetwork"),
        );
    }
    return findings;
}

/**
 * Stops Traefik's `traefik` entrypoint, where the API, dashboard and ping are served, from being
 * published to public networks: a Traefik container publishing the entrypoint's port (8080, or
 * 9000 in older charts, or the port `--entrypoints.traefik.address` sets) on all interfaces or a
 * public address; a public Service port named or targeting `traefik`, or (on Traefik's Service)
 * named `dashboard` or targeting 8080/9000; the chart's `ports.traefik.expose` (boolean or
 * object form) on a public Service, `ports.traefik.hostPort`, `hostNetwork`.
 *
 * Reads: container image, command/args/env (entrypoint addresses), `ports[].{internal, ip}`,
 * pod `hostPort`/`hostIP`/`hostNetwork`; Service name, selector, labels, `spec.{type, ports,
 * externalIPs, loadBalancerSourceRanges}`; Helm `values.{ports.traefik.{expose, hostPort,
 * hostIP}, hostNetwork, service.{enabled, type, spec.type, spec.loadBalancerSourceRanges,
 * spec.externalIPs, annotations}}`.
 *
 * Fix: keep the entrypoint internal; use port-forward or an authenticated router.
 *
 * Corresponds to: CIS Docker Benchmark 5.13 (v1.2.0) for container bindings; no direct Checkov,
 * Kubescape or Trivy equivalent.
 */
export const traefikEntrypointNotExposed = resourcePolicy({
    name: "traefik-entrypoint-not-exposed",
    description: "Traefik's traefik entrypoint (API and dashboard) must not be exposed publicly.",
    severity: "high",
    remediationSteps: fix,
    check: (resource: ResourceView, settings: Settings) => {
        const networks = settings.privateNetworks;
        const values = traefikChartValues(resource);
        return [
            ...containerFindings(resource, networks),
            ...serviceFindings(resource, networks),
            ...(values ? chartFindings(values, networks) : []),
        ];
    },
});
