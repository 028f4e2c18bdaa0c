import { dockerDaemonNotListeningOnPublicTcp } from "../../../policies/docker/daemonTcp";
import { deployment, dockerContainer } from "../fixtures";
import { runResourcePolicy } from "../harness";

const policy = dockerDaemonNotListeningOnPublicTcp;

describe("docker-daemon-not-listening-on-public-tcp", () => {
    it.each([
        [["dockerd", "-H", "tcp://0.0.0.0:2375"]],
        [["dockerd", "--host=tcp://0.0.0.0:2375"]],
        [["dockerd", "--host", "tcp://:2375"]],
        [["dockerd", "-Htcp://203.0.113.9:2375"]],
        [["sh", "-c", "dockerd --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375"]],
    ])("dockerd %j → blocked", async (command) => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", { image: "docker:27-dind", command }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });

    it("dind with DOCKER_HOST=tcp://0.0.0.0:2375 in its env → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", {
                image: "docker:dind",
                envs: ["DOCKER_HOST=tcp://0.0.0.0:2375"],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("dind pod with an empty DOCKER_TLS_CERTDIR (plaintext listener) → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment("ci-dind", [
                {
                    name: "dind",
                    image: "docker:dind",
                    env: [{ name: "DOCKER_TLS_CERTDIR", value: "" }],
                },
            ]),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("dockerd on tcp://0.0.0.0:2376 with --tlsverify → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", {
                image: "docker:dind",
                command: ["dockerd", "--host=tcp://0.0.0.0:2376", "--tlsverify", "--tlscacert=/c"],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it.each(["tcp://127.0.0.1:2375", "tcp://10.1.2.3:2375", "unix:///var/run/docker.sock"])(
        "dockerd -H %s → passes",
        async (address) => {
            const outcome = await runResourcePolicy(
                policy,
                dockerContainer("engine", {
                    image: "docker:dind",
                    command: ["dockerd", "-H", address],
                }),
            );

            expect(outcome.violations).toEqual([]);
        },
    );

    it("application container with -H in its command → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("app", {
                image: "curlimages/curl",
                command: ["curl", "-H", "tcp://x"],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("docker-daemon-not-listening-on-public-tcp: daemon.json", () => {
    function dindWithDaemonJson(settings: Record<string, unknown>) {
        return dockerContainer("dind", {
            image: "docker:27-dind",
            envs: ["DOCKER_TLS_CERTDIR=/certs"],
            uploads: [{ file: "/etc/docker/daemon.json", content: JSON.stringify(settings) }],
        });
    }

    it("daemon.json hosts tcp://0.0.0.0:2375 → blocked", async () => {
        const dind = dindWithDaemonJson({
            hosts: ["tcp://0.0.0.0:2375", "unix:///var/run/docker.sock"],
        });
        const outcome = await runResourcePolicy(policy, dind);

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });

    it("daemon.json hosts tcp://127.0.0.1:2375 → passes", async () => {
        const dind = dindWithDaemonJson({ hosts: ["tcp://127.0.0.1:2375"] });

        expect((await runResourcePolicy(policy, dind)).violations).toEqual([]);
    });

    it("daemon.json hosts tcp://0.0.0.0:2376 with tlsverify → passes", async () => {
        const dind = dindWithDaemonJson({ hosts: ["tcp://0.0.0.0:2376"], tlsverify: true });

        expect((await runResourcePolicy(policy, dind)).violations).toEqual([]);
    });
});
