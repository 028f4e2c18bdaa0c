import { toAnalyzerResources } from "../../tools/lib/analyzer";
import { SECRET_SIG, SIG_KEY, type RegisteredResource } from "../../tools/lib/mock-run";

const context = { project: "shop", stack: "dev" };

function registered(overrides: Partial<RegisteredResource>): RegisteredResource {
    return {
        urn: "",
        type: "",
        name: "",
        custom: true,
        inputs: {},
        dependencies: [],
        propertyDependencies: {},
        ...overrides,
    };
}

const provider = registered({
    urn: "urn:pulumi:dev::shop::pulumi:providers:docker::edge",
    type: "pulumi:providers:docker",
    name: "edge",
    inputs: { host: "ssh://ops@10.0.0.5" },
});
const volume = registered({
    urn: "urn:pulumi:dev::shop::docker:index/volume:Volume::data",
    type: "docker:index/volume:Volume",
    name: "data",
    provider: `${provider.urn}::edge-id`,
    inputs: { name: "data" },
    propertyDependencies: { name: [], driver: [provider.urn] },
});

describe("toAnalyzerResources: what the engine would send the pack", () => {
    it("a resource bound to an explicit provider carries that provider's inputs", () => {
        const [, sent] = toAnalyzerResources([provider, volume], context);
        expect(sent.provider).toEqual({
            urn: provider.urn,
            type: "pulumi:providers:docker",
            name: "edge",
            properties: { host: "ssh://ops@10.0.0.5" },
        });
    });

    it("a provider resource and a component get no provider of their own", () => {
        const component = registered({
            urn: "urn:pulumi:dev::shop::shop:web:Site::site",
            type: "shop:web:Site",
            name: "site",
            custom: false,
        });
        const sent = toAnalyzerResources([provider, component], context);
        expect(sent.map((r) => r.provider)).toEqual([undefined, undefined]);
    });

    it("a resource without one gets its package's default provider, built from that config", () => {
        const service = registered({
            urn: "urn:pulumi:dev::shop::kubernetes:core/v1:Service::web",
            type: "kubernetes:core/v1:Service",
            name: "web",
            version: "4.34.2",
        });
        const config = {
            "kubernetes:context": "staging",
            "kubernetes:kubeconfig": "apiVersion: v1",
            "shop:domain": "shop.example",
        };
        const sent = toAnalyzerResources([service], {
            ...context,
            config,
            secretKeys: ["kubernetes:kubeconfig"],
        });
        expect(sent.map((r) => r.type)).toEqual([
            "pulumi:providers:kubernetes",
            "kubernetes:core/v1:Service",
        ]);
        expect(sent[1].provider).toEqual({
            urn: "urn:pulumi:dev::shop::pulumi:providers:kubernetes::default_4_34_2",
            type: "pulumi:providers:kubernetes",
            name: "default_4_34_2",
            properties: {
                context: "staging",
                kubeconfig: { [SIG_KEY]: SECRET_SIG, value: "apiVersion: v1" },
                version: "4.34.2",
            },
        });
        expect(sent[0].properties).toEqual(sent[1].provider?.properties);
    });

    it("one default provider serves every resource of its package", () => {
        const a = registered({
            urn: "urn:pulumi:dev::shop::random:index/randomPet:RandomPet::a",
            type: "random:index/randomPet:RandomPet",
            name: "a",
        });
        const b = registered({
            urn: "urn:pulumi:dev::shop::random:index/randomPet:RandomPet::b",
            type: "random:index/randomPet:RandomPet",
            name: "b",
        });
        const sent = toAnalyzerResources([a, b], context);
        expect(sent.filter((r) => r.type === "pulumi:providers:random")).toHaveLength(1);
        expect(sent[1].provider?.urn).toBe(sent[2].provider?.urn);
    });

    it("keeps parent and dependencies, and drops property dependencies on nothing", () => {
        const [, sent] = toAnalyzerResources(
            [provider, { ...volume, parent: "urn:pulumi:dev::shop::shop:web:Site::site" }],
            context,
        );
        expect(sent.parent).toBe("urn:pulumi:dev::shop::shop:web:Site::site");
        expect(sent.options.parent).toBe(sent.parent);
        expect(sent.propertyDependencies).toEqual({ driver: [provider.urn] });
    });

    it("reads custom timeouts as the engine does, in seconds", () => {
        const [, sent] = toAnalyzerResources(
            [
                provider,
                {
                    ...volume,
                    options: {
                        protect: true,
                        ignoreChanges: ["labels"],
                        additionalSecretOutputs: [],
                        aliases: [],
                        customTimeouts: { create: "1h30m", update: "90s", delete: "" },
                    },
                },
            ],
            context,
        );
        expect(sent.options).toMatchObject({
            protect: true,
            ignoreChanges: ["labels"],
            customTimeouts: { create: 5400, update: 90, delete: 0 },
        });
    });
});
