import { Endpoint, endpointPolicy } from "../lib/exposure";

const engineApi: Endpoint = {
    label: "the Docker Engine API port",
    ports: [2375, 2376],
    portNames: ["docker", "dockerd"],
    fix:
        "do not publish 2375/2376; bind the port to a private or loopback address (ports[].ip) " +
        "or reach the engine through ssh://",
};

/**
 * Stops the Docker Engine API ports (2375 plaintext, 2376 TLS) from being published where the
 * public can reach them: a container port (either side of the mapping) bound to all interfaces
 * or a public address, a swarm published port, a pod `hostPort`/`hostNetwork`, or a
 * LoadBalancer/NodePort/externalIPs Service.
 *
 * Reads: docker `Container.ports[].{internal, external, ip}`, `networkMode`; docker
 * `Service.endpointSpec.ports[]`; pod specs' `containers[].ports[].{containerPort, hostPort,
 * hostIP}` and `hostNetwork`; Service `spec.{type, ports, externalIPs,
 * loadBalancerSourceRanges}` and internal-load-balancer annotations.
 *
 * Fix: publish the port on a private or loopback address only, or not at all.
 *
 * Corresponds to: CIS Docker Benchmark 5.13 (v1.2.0; 5.14 in v1.6.0, "bind incoming container
 * traffic to a specific host interface"); Checkov CKV_K8S_26 and Trivy KSV024 for `hostPort`.
 */
export const dockerEngineApiPortNotPublic = endpointPolicy(
    {
        name: "docker-engine-api-port-not-public",
        description:
            "The Docker Engine API ports 2375/2376 must not be published to public networks.",
        severity: "critical",
    },
    engineApi,
);
