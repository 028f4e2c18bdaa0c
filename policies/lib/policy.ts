import {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

import { findExemption, parseSettings, Settings, settingsSchema } from "./settings";
import { plain, plainWithAssets, PlainRecord, record } from "./values";

/** A resource as the policies of this pack read it: plain inputs, unknowns marked. */
export interface ResourceView {
    type: string;
    name: string;
    urn: string;
    props: PlainRecord;
    /** The provider the resource is created with (its inputs), when the engine sends one. */
    provider?: { type: string; name: string; urn: string; props: PlainRecord };
    /** In stack policies: the URNs each input depends on, and all the resource depends on. */
    propertyDependencies?: Record<string, string[]>;
    dependencies?: string[];
}

/** One exposure: what is exposed, the field of the resource that exposes it, and the fix. */
export interface Finding {
    exposed: string;
    field: string;
    fix: string;
}

/** A finding in the stack, with the resource it belongs to. */
export interface StackFinding extends Finding {
    resource: ResourceView;
}

export interface PolicyMetadata {
    name: string;
    description: string;
    /** Defaults to the pack's level (mandatory); users override it in the policy config. */
    enforcementLevel?: EnforcementLevel;
    severity: Severity;
    remediationSteps: string;
}

export interface ResourcePolicyDefinition extends PolicyMetadata {
    check: (resource: ResourceView, settings: Settings) => Finding[];
}

export interface StackPolicyDefinition extends PolicyMetadata {
    check: (resources: ResourceView[], settings: Settings) => StackFinding[];
}

/** The violation message: what is exposed, on which resource and field, and how to fix it. */
export function describe(resource: ResourceView, finding: Finding): string {
    return (
        `${finding.exposed}: ${resource.type} "${resource.name}", ${finding.field}. ` +
        `Fix: ${finding.fix}`
    );
}

export async function viewOf(
    resource: ResourceValidationArgs | PolicyResource,
): Promise<ResourceView> {
    const view: ResourceView = {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: record(await plainWithAssets(resource.props)),
    };
    if ("propertyDependencies" in resource) {
        view.propertyDependencies = Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([key, resources]) => [
                key,
                resources.map((dependency) => dependency.urn),
            ]),
        );
        view.dependencies = (resource.dependencies ?? []).map((dependency) => dependency.urn);
    }
    if (resource.provider) {
        view.provider = {
            type: resource.provider.type,
            name: resource.provider.name,
            urn: resource.provider.urn,
            props: record(plain(resource.provider.props)),
        };
    }
    return view;
}

function exemptionReason(policyName: string, settings: Settings, resource: ResourceView) {
    const exemption = findExemption(settings, policyName, resource);
    return exemption && `exempted by the policy config: ${exemption.reason}`;
}

type ResourceCheck = ResourcePolicyDefinition["check"];

const checks = new WeakMap<ResourceValidationPolicy, ResourceCheck>();

/** The check a resource policy of this pack runs, for stack policies that rerun it. */
export function checkOf(policy: ResourceValidationPolicy): ResourceCheck {
    const check = checks.get(policy);
    if (!check) {
        throw new Error(`${policy.name} is not a resource policy of this pack`);
    }
    return check;
}

/**
 * A resource policy of this pack: it reads its config once, skips exempted resources (reporting
 * the exemption's reason as why the policy did not apply) and reports each finding.
 */
export function resourcePolicy(definition: ResourcePolicyDefinition): ResourceValidationPolicy {
    const { check, ...metadata } = definition;
    const policy: ResourceValidationPolicy = {
        ...metadata,
        configSchema: settingsSchema,
        validateResource: async (
            args: ResourceValidationArgs,
            reportViolation: ReportViolation,
        ) => {
            const settings = parseSettings(args.getConfig());
            const resource = await viewOf(args);
            const reason = exemptionReason(definition.name, settings, resource);
            if (reason) {
                args.notApplicable(reason);
            }
            for (const finding of check(resource, settings)) {
                reportViolation(describe(resource, finding));
            }
        },
    };
    checks.set(policy, check);
    return policy;
}

/**
 * A stack policy of this pack: findings on exempted resources are dropped; each other finding is
 * reported against its resource's URN.
 */
export function stackPolicy(definition: StackPolicyDefinition): StackValidationPolicy {
    const { check, ...metadata } = definition;
    return {
        ...metadata,
        configSchema: settingsSchema,
        validateStack: async (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const settings = parseSettings(args.getConfig());
            const resources = await Promise.all(args.resources.map(viewOf));
            for (const finding of check(resources, settings)) {
                if (!exemptionReason(definition.name, settings, finding.resource)) {
                    reportViolation(describe(finding.resource, finding), finding.resource.urn);
                }
            }
        },
    };
}

/**
 * The inputs of a provider of `providerType` that a resource concerns: the resource itself when
 * it is such a provider, else the provider it is created with (`args.provider`). A check on
 * providers thus also runs where the engine does not analyse the provider on its own.
 */
export function providerInputs(
    resource: ResourceView,
    providerType: string,
): { props: PlainRecord; field: string } | undefined {
    if (resource.type === providerType) {
        return { props: resource.props, field: "" };
    }
    if (resource.provider?.type === providerType) {
        return { props: resource.provider.props, field: `provider "${resource.provider.name}" ` };
    }
    return undefined;
}
