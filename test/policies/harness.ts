/**
 * Runs the pack's policies on hand-written resources through arguments built the way
 * @pulumi/policy's analyzer server builds them (see its server.js `makeAnalyzeRpcFun` and
 * `makeAnalyzeStackRpcFun`): inputs wrapped in its unknown-checking proxy, the provider with its
 * own proxied inputs, `getConfig` returning the policy's config without `enforcementLevel`,
 * `notApplicable` throwing, and the level resolved as config, then policy, then pack.
 */
import { resourcePolicy, stackPolicy } from "../../policies/lib/policy";

type ResourcePolicy = ReturnType<typeof resourcePolicy>;
type StackPolicy = ReturnType<typeof stackPolicy>;
type AnyPolicy = ResourcePolicy | StackPolicy;

// The proxy is internal to @pulumi/policy and has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("../../policies/node_modules/@pulumi/policy/proxy") as {
    unknownCheckingProxy: <T>(value: T) => T;
    unknownStringValue: string;
};

/** What a policy sees as an unknown value during preview. */
export const unknownDuringPreview = proxy.unknownStringValue;

const packLevel = "mandatory";

export interface TestResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    provider?: { type: string; name: string; props: Record<string, unknown> };
    /** For stack policies: the names of the resources each input depends on. */
    propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
    policy: string;
    level: string;
    message: string;
    urn?: string;
}

export interface Outcome {
    violations: Violation[];
    notApplicable?: string;
}

export type PolicyConfig = Record<string, unknown> & { enforcementLevel?: string };

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::flex4apps::${type}::${name}`;
}

function levelOf(policy: AnyPolicy, config: PolicyConfig): string {
    return config.enforcementLevel ?? policy.enforcementLevel ?? packLevel;
}

function configGetter(config: PolicyConfig) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { enforcementLevel, ...properties } = config;
    return <T extends object>() => properties as T;
}

function common(resource: TestResource) {
    const args: Record<string, unknown> = {
        type: resource.type,
        props: proxy.unknownCheckingProxy(structuredClone(resource.props)),
        urn: urnOf(resource.type, resource.name),
        name: resource.name,
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        isType: () => false,
        asType: () => undefined,
    };
    if (resource.provider) {
        args.provider = {
            type: resource.provider.type,
            name: resource.provider.name,
            urn: urnOf(resource.provider.type, resource.provider.name),
            props: proxy.unknownCheckingProxy(structuredClone(resource.provider.props)),
        };
    }
    return args;
}

function reporter(policy: AnyPolicy, level: string, violations: Violation[]) {
    return (message: string, urn?: string) => {
        violations.push({
            policy: policy.name,
            level,
            message: `${policy.description}\n${message}`,
            urn,
        });
    };
}

async function caught(run: () => Promise<void> | void): Promise<string | undefined> {
    try {
        await run();
        return undefined;
    } catch (error) {
        if (error instanceof NotApplicable) {
            return error.reason ?? "not applicable";
        }
        throw error;
    }
}

export async function runResourcePolicy(
    policy: ResourcePolicy,
    resource: TestResource,
    config: PolicyConfig = {},
): Promise<Outcome> {
    const level = levelOf(policy, config);
    const violations: Violation[] = [];
    if (level === "disabled" || !policy.validateResource) {
        return { violations };
    }
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
    let notApplicable: string | undefined;
    for (const validate of validations) {
        const args = {
            ...common(resource),
            stackTags: new Map<string, string>(),
            getConfig: configGetter(config),
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        };
        notApplicable ??= await caught(() =>
            validate(args as never, reporter(policy, level, violations)),
        );
    }
    return { violations, notApplicable };
}

export async function runStackPolicy(
    policy: StackPolicy,
    resources: TestResource[],
    config: PolicyConfig = {},
): Promise<Outcome> {
    const level = levelOf(policy, config);
    const violations: Violation[] = [];
    if (level === "disabled") {
        return { violations };
    }
    const built = resources.map((resource) => ({
        ...common(resource),
        dependencies: [] as unknown[],
        propertyDependencies: {} as Record<string, unknown[]>,
    }));
    // As the analyzer server does: dependencies become the resource objects they name.
    resources.forEach((resource, index) => {
        for (const [input, names] of Object.entries(resource.propertyDependencies ?? {})) {
            const dependencies = built.filter((_, j) => names.includes(resources[j].name));
            built[index].propertyDependencies[input] = dependencies;
            built[index].dependencies.push(...dependencies);
        }
    });
    const args = {
        resources: built,
        stackTags: new Map<string, string>(),
        getConfig: configGetter(config),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const notApplicable = await caught(() =>
        policy.validateStack(args as never, reporter(policy, level, violations)),
    );
    return { violations, notApplicable };
}

function isStackPolicy(policy: AnyPolicy): policy is StackPolicy {
    return "validateStack" in policy;
}

/** Runs every policy of a list on a stack: each resource policy per resource, then the stack. */
export async function runPolicies(
    policies: AnyPolicy[],
    resources: TestResource[],
    config: Record<string, PolicyConfig> = {},
): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const policyConfig = config[policy.name] ?? {};
        if (isStackPolicy(policy)) {
            violations.push(...(await runStackPolicy(policy, resources, policyConfig)).violations);
            continue;
        }
        for (const resource of resources) {
            violations.push(
                ...(await runResourcePolicy(policy, resource, policyConfig)).violations,
            );
        }
    }
    return violations;
}

/** A docker provider the way the engine hands it to policies. */
export function dockerProvider(name: string, props: Record<string, unknown>) {
    return { type: "pulumi:providers:docker", name, props };
}

/** The enforcement levels of what a resource policy reports on one resource. */
export async function levelsOf(
    policy: ResourcePolicy,
    resource: TestResource,
    config: PolicyConfig = {},
): Promise<string[]> {
    const outcome = await runResourcePolicy(policy, resource, config);
    return outcome.violations.map((violation) => violation.level);
}
