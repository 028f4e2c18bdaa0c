import { PolicyConfigSchema } from "@pulumi/policy";

import { isValidCidr, PrivateNetworks } from "./network";
import { list, plain, record, text } from "./values";

/**
 * The configuration every policy of this pack accepts. CrossGuard hands each policy only its own
 * entry of the policy-pack config (the `all` key carries nothing but an enforcement level), so
 * each policy reads the same two keys from its entry:
 *
 * - `privateCidrs`: CIDRs that count as private in addition to the built-in ranges;
 * - `exemptions`: `{ resource, policies?, reason }` entries; `resource` is a glob (`*`, `?`) over
 *   the resource's name or URN, `policies` narrows the entry to some policy names (so the same
 *   list can be pasted into every policy's entry), `reason` is required and is reported as the
 *   reason the policy did not apply.
 *
 * `enforcementLevel` is CrossGuard's own key and is not part of this schema.
 */
export const settingsSchema: PolicyConfigSchema = {
    properties: {
        privateCidrs: {
            type: "array",
            description:
                "CIDRs counted as private in addition to RFC 1918, loopback, link-local, " +
                "100.64.0.0/10 and fc00::/7.",
            items: { type: "string" },
            default: [],
        },
        exemptions: {
            type: "array",
            description: "Resources this policy skips, each with the reason it may.",
            items: {
                type: "object",
                properties: {
                    resource: {
                        type: "string",
                        minLength: 1,
                        description: "Glob (* and ?) over the resource name or URN.",
                    },
                    policies: {
                        type: "array",
                        items: { type: "string" },
                        description: "Policy names the exemption is limited to; all when absent.",
                    },
                    reason: { type: "string", minLength: 1 },
                },
                required: ["resource", "reason"],
                additionalProperties: false,
            },
            default: [],
        },
    },
};

export interface Exemption {
    resource: string;
    policies?: string[];
    reason: string;
}

export interface Settings {
    privateNetworks: PrivateNetworks;
    exemptions: Exemption[];
}

/**
 * Parses a policy's config once, at the edge. The CLI validates it against `settingsSchema`
 * first; entries that still do not parse (a CIDR ipaddr.js rejects, an exemption without a
 * reason) are left out rather than widening what counts as private or exempt.
 */
export function parseSettings(config: object): Settings {
    const raw = record(plain(config));
    const privateCidrs = list(raw.privateCidrs)
        .map((cidr) => text(cidr))
        .filter((cidr): cidr is string => cidr !== undefined && isValidCidr(cidr));
    const exemptions: Exemption[] = [];
    for (const entry of list(raw.exemptions)) {
        const fields = record(entry);
        const resource = text(fields.resource);
        const reason = text(fields.reason)?.trim();
        if (!resource || !reason) {
            continue;
        }
        const policies = list(fields.policies)
            .map((name) => text(name))
            .filter((name): name is string => name !== undefined);
        exemptions.push({
            resource,
            reason,
            policies: fields.policies === undefined ? undefined : policies,
        });
    }
    return { privateNetworks: new PrivateNetworks(privateCidrs), exemptions };
}

/** The exemption that covers a resource for a policy, if any. */
export function findExemption(
    settings: Settings,
    policyName: string,
    resource: { name: string; urn: string },
): Exemption | undefined {
    return settings.exemptions.find(
        (exemption) =>
            (exemption.policies === undefined || exemption.policies.includes(policyName)) &&
            (matchesGlob(exemption.resource, resource.name) ||
                matchesGlob(exemption.resource, resource.urn)),
    );
}

export function matchesGlob(pattern: string, value: string): boolean {
    const expression = pattern
        .split("")
        .map((character) => {
            if (character === "*") {
                return ".*";
            }
            if (character === "?") {
                return ".";
            }
            return character.replace(/[.+^${}()|[\]\\]/g, "\\$&");
        })
        .join("");
    return new RegExp(`^${expression}$`).test(value);
}
