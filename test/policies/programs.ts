/**
 * Runs a small Pulumi program under mocks and returns the resources it registers in the shape
 * the policy harness takes: raw program inputs, and each resource's explicit provider with that
 * provider's own inputs (what the engine sends as `args.provider`).
 */
import * as path from "path";

import * as pulumi from "@pulumi/pulumi";

import { TestResource } from "./harness";

interface Registered {
    id: string;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

export async function resourcesOfProgram(file: string): Promise<TestResource[]> {
    const registered: Registered[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const id = `${args.name}-id`;
                registered.push({
                    id,
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    provider: args.provider,
                });
                return { id, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "program",
        "test",
        false,
    );
    await jest.isolateModulesAsync(async () => {
        await import(path.resolve(file));
    });
    // Registration is asynchronous; wait until nothing new arrives.
    let count = -1;
    while (count !== registered.length) {
        count = registered.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A provider reference is `<urn>::<id>`; the URN ends in `::<type>::<name>`.
    const providerOf = (reference: string) =>
        registered.find((candidate) =>
            reference.endsWith(`::${candidate.type}::${candidate.name}::${candidate.id}`),
        );
    return registered.map((resource) => {
        const provider = resource.provider ? providerOf(resource.provider) : undefined;
        return {
            type: resource.type,
            name: resource.name,
            props: resource.inputs,
            provider: provider && {
                type: provider.type,
                name: provider.name,
                props: provider.inputs,
            },
        };
    });
}
