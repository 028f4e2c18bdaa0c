import { dockerEngineApiRequiresTls } from "../../../policies/docker/engineApiTls";
import { dockerProvider, runResourcePolicy, unknownDuringPreview } from "../harness";

const policy = dockerEngineApiRequiresTls;

function provider(props: Record<string, unknown>) {
    return { type: "pulumi:providers:docker", name: "worker-3", props };
}

describe("docker-engine-api-requires-tls", () => {
    it("provider on tcp:// port 2376 without certificate material → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2376" }),
        );

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].level).toBe("mandatory");
        expect(outcome.violations[0].message).toContain("tcp://198.51.100.23:2376");
        expect(outcome.violations[0].message).toContain("Fix:");
    });

    it("resource created through a plaintext provider → blocked there too", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "docker:index/volume:Volume",
            name: "data",
            props: { name: "f4a-data" },
            provider: dockerProvider("worker-3", { host: "tcp://worker.example.net:2375" }),
        });

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain('provider "worker-3" host');
    });

    it("provider on tcp:// with ca/cert/key material → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({
                host: "tcp://198.51.100.23:2376",
                caMaterial: "-----BEGIN CERTIFICATE-----",
                certMaterial: "-----BEGIN CERTIFICATE-----",
                keyMaterial: "-----BEGIN PRIVATE KEY-----",
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("provider with certPath → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2376", certPath: "/etc/docker/client" }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("certificate material unknown during preview → not flagged", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({
                host: "tcp://198.51.100.23:2376",
                certMaterial: unknownDuringPreview,
                keyMaterial: unknownDuringPreview,
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it.each(["unix:///var/run/docker.sock", "ssh://deploy@203.0.113.7", "tcp://10.0.4.2:2375"])(
        "provider on %s → passes",
        async (host) => {
            const outcome = await runResourcePolicy(policy, provider({ host }));

            expect(outcome.violations).toEqual([]);
        },
    );

    it("private CIDR from the pack config makes a plaintext host private → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2375" }),
            { privateCidrs: ["198.51.100.0/24"] },
        );

        expect(outcome.violations).toEqual([]);
    });

    it("exempted provider → skipped with the exemption's reason", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2375" }),
            { exemptions: [{ resource: "worker-*", reason: "lab host behind a VPN" }] },
        );

        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toContain("lab host behind a VPN");
    });

    it("exemption for another policy → still blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2375" }),
            {
                exemptions: [
                    { resource: "*", policies: ["kubelet-api-not-public"], reason: "unrelated" },
                ],
            },
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("enforcement level set to advisory in the config → reported as advisory", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ host: "tcp://198.51.100.23:2375" }),
            { enforcementLevel: "advisory" },
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["advisory"]);
    });
});
