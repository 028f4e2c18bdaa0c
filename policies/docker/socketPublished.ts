import { Endpoint, endpointPolicy } from "../lib/exposure";
import { isTraefikContainer } from "../lib/traefikStaticConfig";
import { imageRepository, WorkloadContainer } from "../lib/workloads";

/** Images whose job is to serve the Docker socket over the network. */
const socketProxyImages = [
    /(^|\/)docker-socket-proxy$/,
    /(^|\/)socket-proxy$/,
    /(^|\/)dockersocketproxy$/,
];

/** Host paths that hand a container the Docker Engine's socket. */
const socketPaths = [/^\/+(var\/)?run\/docker\.sock$/, /^\/+(var\/)?run\/?$/];

/**
 * A container that gives whoever reaches its ports the Docker socket: a socket-proxy image, or
 * any container mounting the socket. Traefik reads the socket for discovery but never serves
 * it; its ports are judged by the Traefik policies.
 */
function servesDockerSocket(container: WorkloadContainer): boolean {
    const repository = imageRepository(container.image);
    if (socketProxyImages.some((image) => image.test(repository))) {
        return true;
    }
    const mountsSocket = container.hostPaths.some((path) =>
        socketPaths.some((socket) => socket.test(path)),
    );
    return mountsSocket && !isTraefikContainer(container);
}

// Limitation: a pod that mounts the socket is judged by its own hostPort/hostNetwork only; a
// LoadBalancer or NodePort Service selecting it is not linked to it.
const dockerSocket: Endpoint = {
    label: "a container with the Docker socket (a socket proxy or a socket mount)",
    ports: [],
    isEndpointContainer: servesDockerSocket,
    fix:
        "bind the container's ports to a private or loopback address (ports[].ip) or keep it " +
        "on an internal network without published ports; mount the socket only where needed",
};

/**
 * Stops a Docker-socket proxy (tecnativa/docker-socket-proxy and the like), or any container that
 * mounts /var/run/docker.sock, from publishing ports to public networks: whoever reaches it
 * reaches the Docker Engine API.
 *
 * Reads: image, `volumes[].hostPath`, `mounts[]` of type bind, `ports[].{internal, external,
 * ip}`, `networkMode` of docker Containers; the same for swarm Services; `hostPath` volumes,
 * `hostPort`/`hostIP` and `hostNetwork` of pod specs.
 *
 * Fix: publish the proxy on a private or loopback address only, or not at all.
 *
 * Corresponds to: CIS Docker Benchmark 5.31 (v1.2.0; 5.32 in v1.6.0, "Ensure that the Docker
 * socket is not mounted inside any containers") combined with 5.13 (bind to a host interface).
 */
export const dockerSocketNotPublished = endpointPolicy(
    {
        name: "docker-socket-not-published",
        description:
            "A container that serves or mounts the Docker socket must not publish ports publicly.",
        severity: "critical",
    },
    dockerSocket,
);
