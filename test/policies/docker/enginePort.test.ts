import { dockerEngineApiPortNotPublic } from "../../../policies/docker/enginePort";
import { deployment, dockerContainer, kubernetesService } from "../fixtures";
import { runResourcePolicy, unknownDuringPreview } from "../harness";

const policy = dockerEngineApiPortNotPublic;

describe("docker-engine-api-port-not-public", () => {
    it("dind publishes 2375 with no ip (all interfaces) → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("dind", {
                image: "docker:27-dind",
                ports: [{ internal: 2375, external: 2375 }],
            }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("ports[0]");
        expect(outcome.violations[0].message).toContain("container port 2375");
    });

    it("host port 2376 published on 0.0.0.0 as the provider defaults it → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", {
                image: "docker:dind",
                ports: [{ internal: 2376, external: 2376, ip: "0.0.0.0", protocol: "tcp" }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("2375 published on :: (all IPv6 interfaces) → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", {
                image: "docker:dind",
                ports: [{ internal: 2375, external: 12375, ip: "::" }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("pod hostPort 2375 without hostIP → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment("dind", [
                {
                    name: "dind",
                    image: "docker:dind",
                    ports: [{ containerPort: 2375, hostPort: 2375 }],
                },
            ]),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain(
            "spec.template.spec.containers[0].ports[0]",
        );
    });

    it("LoadBalancer Service on 2376 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("engine", { type: "LoadBalancer", ports: [{ port: 2376 }] }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it.each(["127.0.0.1", "::1", "10.0.0.5", "fd00::5"])(
        "2375 bound to %s → passes",
        async (ip) => {
            const outcome = await runResourcePolicy(
                policy,
                dockerContainer("engine", {
                    image: "docker:dind",
                    ports: [{ internal: 2375, external: 2375, ip }],
                }),
            );

            expect(outcome.violations).toEqual([]);
        },
    );

    it("bind address unknown during preview → not flagged", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("engine", {
                image: "docker:dind",
                ports: [{ internal: 2375, external: 2375, ip: unknownDuringPreview }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("application container publishing 8080 → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("app", {
                image: "nginx:1.27",
                ports: [{ internal: 80, external: 8080 }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });
});

describe("docker-engine-api-port-not-public: publishAllPorts", () => {
    it("dind with publishAllPorts (it EXPOSEs 2375 and 2376) → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("dind", { image: "docker:27-dind", publishAllPorts: true }),
        );

        expect(outcome.violations).toHaveLength(2);
    });

    it("nginx with publishAllPorts (ports only its image knows) → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("web", { image: "nginx:1.27", publishAllPorts: true }),
        );

        expect(outcome.violations).toEqual([]);
    });
});
