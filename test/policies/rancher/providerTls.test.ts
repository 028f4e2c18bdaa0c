import { rancher2ProviderVerifiesTls } from "../../../policies/rancher/providerTls";
import { runResourcePolicy } from "../harness";

const policy = rancher2ProviderVerifiesTls;

function provider(props: Record<string, unknown>) {
    return { type: "pulumi:providers:rancher2", name: "admin", props };
}

describe("rancher2-provider-verifies-tls", () => {
    it("insecure: true → advisory", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({ apiUrl: "https://rancher.example.net", insecure: true }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["advisory"]);
    });

    it('insecure as the string "true" provider inputs travel as → advisory', async () => {
        const outcome = await runResourcePolicy(policy, provider({ insecure: "true" }));

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["advisory"]);
    });

    it("resource created through an insecure rancher2 provider → advisory", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "rancher2:index/cluster:Cluster",
            name: "edge",
            props: {},
            provider: provider({ insecure: true }),
        });

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain('provider "admin" insecure');
    });

    it("caCerts given and insecure not set → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            provider({
                apiUrl: "https://rancher.example.net",
                caCerts: "-----BEGIN CERTIFICATE-----",
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("raised to mandatory in the config → reported as mandatory", async () => {
        const outcome = await runResourcePolicy(policy, provider({ insecure: true }), {
            enforcementLevel: "mandatory",
        });

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
    });
});
