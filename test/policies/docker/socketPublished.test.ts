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

    it("any container mounting the socket (bind mount) and publishing a port → blocked", async () => {
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
