import { dockerSocketNotPublished } from "../../../policies/docker/socketPublished";
import { deployment, dockerContainer } from "../fixtures";
import { runResourcePolicy } from "../harness";

const policy = dockerSocketNotPublished;
const socketVolume = { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" };

describe("docker-socket-not-published", () => {
    it("tecnativa/docker-socket-proxy publishing 2375 on all interfaces → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("socket-proxy", {
                image: "tecnativa/docker-socket-proxy:0.3",
                volumes: [socketVolume],
                ports: [{ internal: 2375, external: 2375 }],
            }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });

    it("container bind-mounting the socket and publishing 9443 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("portainer", {
                image: "portainer/portainer-ce:2.21",
                mounts: [
                    {
                        type: "bind",
                        source: "/var/run/docker.sock",
                        target: "/var/run/docker.sock",
                    },
                ],
                ports: [{ internal: 9443, external: 9443 }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("host port 9443");
    });

    it("pod mounting the socket through hostPath with a hostPort → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment(
                "proxy",
                [
                    {
                        name: "proxy",
                        image: "alpine/socat",
                        ports: [{ containerPort: 2375, hostPort: 2375 }],
                        volumeMounts: [{ name: "sock", mountPath: "/var/run/docker.sock" }],
                    },
                ],
                { volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }] },
            ),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("socket proxy bound to 127.0.0.1 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("socket-proxy", {
                image: "tecnativa/docker-socket-proxy",
                volumes: [socketVolume],
                ports: [{ internal: 2375, external: 2375, ip: "127.0.0.1" }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("socket proxy with no published ports → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("socket-proxy", {
                image: "tecnativa/docker-socket-proxy",
                volumes: [socketVolume],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("Traefik reading the socket while publishing 80/443 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("edge-proxy", {
                image: "traefik:v3.4",
                volumes: [socketVolume],
                ports: [
                    { internal: 80, external: 80 },
                    { internal: 443, external: 443 },
                ],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("docker-socket-not-published: what serves the socket and what only reads it", () => {
    const readOnlySocket = { ...socketVolume, readOnly: true };
    const levels = async (resource: Parameters<typeof runResourcePolicy>[1]) =>
        (await runResourcePolicy(policy, resource)).violations.map((violation) => violation.level);

    it("nginx-proxy mounting the socket, publishing only 80 and 443 → passes", async () => {
        const proxy = dockerContainer("nginx-proxy", {
            image: "nginxproxy/nginx-proxy:1.6",
            volumes: [readOnlySocket],
            ports: [
                { internal: 80, external: 80 },
                { internal: 443, external: 443 },
            ],
        });

        expect(await levels(proxy)).toEqual([]);
    });

    it("caddy-docker-proxy serving container port 80 on host port 8080 → passes", async () => {
        const proxy = dockerContainer("caddy", {
            image: "lucaslorentz/caddy-docker-proxy:2.9",
            volumes: [readOnlySocket],
            ports: [{ internal: 80, external: 8080 }],
        });

        expect(await levels(proxy)).toEqual([]);
    });

    it("socket-mounting container publishing 80 and 9000 → blocked on 9000 only", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("portainer", {
                image: "portainer/portainer-ce:2.21",
                volumes: [socketVolume],
                ports: [
                    { internal: 80, external: 80 },
                    { internal: 9000, external: 9000 },
                ],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("host port 9000");
    });

    it("socket proxy image publishing 443 → blocked (80/443 do not excuse a proxy)", async () => {
        const proxy = dockerContainer("socket-proxy", {
            image: "tecnativa/docker-socket-proxy:0.3",
            volumes: [socketVolume],
            ports: [{ internal: 2375, external: 443 }],
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("socat forwarding the rootless socket /run/user/1000/docker.sock → blocked", async () => {
        const socat = dockerContainer("socat", {
            image: "alpine/socat",
            command: ["tcp-listen:2300,fork,reuseaddr", "unix-connect:/docker.sock"],
            volumes: [{ hostPath: "/run/user/1000/docker.sock", containerPath: "/docker.sock" }],
            ports: [{ internal: 80, external: 80 }],
        });

        expect(await levels(socat)).toEqual(["mandatory"]);
    });

    it("socket mounted from /run/docker.sock, published on 2375 → blocked", async () => {
        const forwarder = dockerContainer("forwarder", {
            image: "example/agent:1",
            volumes: [{ hostPath: "/run/docker.sock", containerPath: "/var/run/docker.sock" }],
            ports: [{ internal: 2375, external: 2375 }],
        });

        expect(await levels(forwarder)).toEqual(["mandatory"]);
    });

    it("socket proxy with publishAllPorts → blocked", async () => {
        const proxy = dockerContainer("socket-proxy", {
            image: "tecnativa/docker-socket-proxy:0.3",
            volumes: [readOnlySocket],
            publishAllPorts: true,
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("nginx-proxy with publishAllPorts (ports only its image knows) → blocked", async () => {
        const proxy = dockerContainer("nginx-proxy", {
            image: "nginxproxy/nginx-proxy:1.6",
            volumes: [readOnlySocket],
            publishAllPorts: true,
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("socket proxy published on 127.0.0.1 → passes", async () => {
        const proxy = dockerContainer("socket-proxy", {
            image: "registry.example.net/mirror/tecnativa/docker-socket-proxy:0.3",
            ports: [{ internal: 2375, external: 2375, ip: "127.0.0.1" }],
        });

        expect(await levels(proxy)).toEqual([]);
    });
});
