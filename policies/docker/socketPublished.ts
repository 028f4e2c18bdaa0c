import { containerExposures, Endpoint } from "../lib/exposure";
import { Finding, resourcePolicy, ResourceView } from "../lib/policy";
import { Settings } from "../lib/settings";
import { isTraefikContainer } from "../lib/traefikStaticConfig";
import { containersOf, imageIs, PortBinding, WorkloadContainer } from "../lib/workloads";

/** Images whose job is to serve the Docker socket over the network. */
const socketProxyImage = /(^|\/)(docker-socket-proxy|socket-proxy|dockersocketproxy)$/;

/**
 * Host paths that hand a container the Docker Engine's socket: any `docker.sock` (rootful
 * `/var/run/docker.sock` and `/run/docker.sock`, rootless `/run/user/<uid>/docker.sock`) or a
 * directory holding one.
 */
const socketPaths = [/(^|\/)docker\.sock$/, /^\/+(var\/)?run(\/user\/\d+)?(\/docker)?\/?$/];

export function mountsDockerSocket(container: WorkloadContainer): boolean {
    return container.hostPaths.some((path) => socketPaths.some((socket) => socket.test(path)));
}

/** A forwarder such as socat that relays a TCP port to a Unix socket. */
function forwardsUnixSocket(container: WorkloadContainer): boolean {
    return (
        imageIs(container.image, /(^|\/)socat$/) ||
        container.arguments.some((word) => /(^|[\s,])unix(-connect|-client)?:/i.test(word))
    );
}

/** Ports a reverse proxy serves web traffic on; a socket mount for discovery does not serve. */
const webPorts = [80, 443];

function isWebBinding(binding: PortBinding): boolean {
    const port = binding.containerPort ?? binding.hostPort;
    return !binding.everyExposedPort && webPorts.includes(port ?? -1);
}

const fix =
    "bind the container's ports to a private or loopback address (ports[].ip) or keep it " +
    "on an internal network without published ports; mount the socket only where needed";

const socketServer: Endpoint = {
    label: "a container that serves the Docker socket (a socket proxy or forwarder)",
    ports: [],
    isEndpointContainer: () => true,
    fix,
};

const socketMounter: Endpoint = {
    label: "a container that mounts the Docker socket, on a port other than 80/443",
    ports: [],
    isEndpointContainer: () => true,
    fix,
};

/**
 * The public ports of a container that give whoever reaches them the Docker socket. A socket
 * proxy or a forwarder of the socket serves it on every port. Any other container that mounts
 * it (a reverse proxy reading it for discovery: nginx-proxy, caddy-docker-proxy) is judged on
 * the ports other than 80/443, where a management UI such as Portainer's would be. Traefik reads
 * the socket but never serves it; its ports are judged by the Traefik policies.
 */
function socketFindings(container: WorkloadContainer, settings: Settings): Finding[] {
    const networks = settings.privateNetworks;
    const mounts = mountsDockerSocket(container);
    if (imageIs(container.image, socketProxyImage) || (mounts && forwardsUnixSocket(container))) {
        return containerExposures(container, socketServer, networks);
    }
    if (!mounts || isTraefikContainer(container)) {
        return [];
    }
    const nonWeb = { ...container, bindings: container.bindings.filter((b) => !isWebBinding(b)) };
    return containerExposures(nonWeb, socketMounter, networks);
}

// Limitation: a pod that mounts the socket is judged by its own hostPort/hostNetwork only; a
// LoadBalancer or NodePort Service selecting it is not linked to it.
export function dockerSocketFindings(resource: ResourceView, settings: Settings): Finding[] {
    return containersOf(resource).flatMap((container) => socketFindings(container, settings));
}

/**
 * Stops a Docker-socket proxy (tecnativa/docker-socket-proxy and the like) or a forwarder of the
 * socket (socat `UNIX-CONNECT:…/docker.sock`) from publishing any port to public networks, and
 * any other container that mounts the socket from publishing a port other than 80/443: whoever
 * reaches such a port reaches the Docker Engine API. A reverse proxy that mounts the socket for
 * discovery and serves only 80/443 (nginx-proxy, caddy-docker-proxy) passes.
 *
 * Reads: image, command/args, `volumes[].hostPath`, `mounts[]` of type bind, `ports[].{internal,
 * external, ip}`, `publishAllPorts`, `networkMode` of docker Containers; the same for swarm
 * Services; `hostPath` volumes, `hostPort`/`hostIP` and `hostNetwork` of pod specs.
 *
 * Fix: publish the proxy on a private or loopback address only, or not at all.
 *
 * Corresponds to: CIS Docker Benchmark 5.31 (v1.2.0; 5.32 in v1.6.0, "Ensure that the Docker
 * socket is not mounted inside any containers") combined with 5.13 (bind to a host interface).
 */
export const dockerSocketNotPublished = resourcePolicy({
    name: "docker-socket-not-published",
    description:
        "A container that serves the Docker socket must not publish ports publicly; one that " +
        "mounts it only on 80/443.",
    severity: "critical",
    remediationSteps: fix,
    check: dockerSocketFindings,
});
