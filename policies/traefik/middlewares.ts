import { kubernetesObjectsOf } from "../lib/kubernetesObjects";
import { opensToTheWorld } from "../lib/network";
import { ResourceView } from "../lib/policy";
import { field, list, record, text } from "../lib/values";
import { containersOf } from "../lib/workloads";
import { DashboardRoute, isTraefikCrd, MiddlewareRef, splitProvider } from "./routes";

/** A middleware defined in the stack, by a Middleware resource or by Docker labels. */
export interface MiddlewareDefinition {
    name: string;
    namespace?: string;
    provider: "kubernetescrd" | "docker";
    /** Middleware types, lower case: `basicauth`, `ipallowlist`, `chain`, … */
    types: string[];
    /** For a `chain`, the middlewares it runs. */
    chain: MiddlewareRef[];
    /** For an IP allow-list, whether its source ranges let in every address. */
    allowsEveryone: boolean;
}

export const authenticationTypes = ["basicauth", "digestauth", "forwardauth"];
export const allowListTypes = ["ipallowlist", "ipwhitelist"];

function labelDefinitions(labels: Map<string, string>): MiddlewareDefinition[] {
    const byName = new Map<string, MiddlewareDefinition>();
    for (const [key, value] of labels) {
        const match = /^traefik\.http\.middlewares\.([^.]+)\.([^.]+)(?:\.(.+))?$/i.exec(key);
        if (!match) {
            continue;
        }
        const definition = byName.get(match[1]) ?? {
            name: match[1],
            provider: "docker",
            types: [],
            chain: [],
            allowsEveryone: false,
        };
        const type = match[2].toLowerCase();
        if (!definition.types.includes(type)) {
            definition.types.push(type);
        }
        const setting = (match[3] ?? "").toLowerCase();
        if (type === "chain" && setting === "middlewares") {
            definition.chain.push(
                ...value.split(",").map((reference) => ({
                    ...splitProvider(reference),
                    routerProvider: "docker" as const,
                })),
            );
        }
        if (allowListTypes.includes(type) && setting === "sourcerange") {
            definition.allowsEveryone ||= opensToTheWorld(value.split(","));
        }
        byName.set(match[1], definition);
    }
    return [...byName.values()];
}

/** Every middleware a resource defines: Middleware CRs (also in extraObjects) and labels. */
export function middlewareDefinitionsOf(resource: ResourceView): MiddlewareDefinition[] {
    const definitions: MiddlewareDefinition[] = [];
    for (const object of kubernetesObjectsOf(resource)) {
        if (!isTraefikCrd(object, "Middleware")) {
            continue;
        }
        const types = Object.keys(object.spec);
        const allowList = types.find((type) => allowListTypes.includes(type.toLowerCase()));
        definitions.push({
            name: object.name,
            namespace: object.namespace,
            provider: "kubernetescrd",
            types: types.map((type) => type.toLowerCase()),
            chain: list(field(object.spec, "chain", "middlewares")).map((entry) => ({
                ...splitProvider(text(field(entry, "name")) ?? ""),
                namespace: text(field(entry, "namespace")) ?? object.namespace,
                routerProvider: "kubernetescrd",
            })),
            allowsEveryone:
                allowList !== undefined &&
                opensToTheWorld(
                    list(field(record(object.spec[allowList]), "sourceRange")).map(
                        (cidr) => text(cidr) ?? "",
                    ),
                ),
        });
    }
    for (const container of containersOf(resource)) {
        definitions.push(...labelDefinitions(container.labels));
    }
    return definitions;
}

/** The definition a reference resolves to, following Traefik's provider naming rules. */
export function resolve(
    reference: MiddlewareRef,
    definitions: MiddlewareDefinition[],
): MiddlewareDefinition | undefined {
    const provider = reference.provider?.toLowerCase() ?? reference.routerProvider;
    if (provider === "docker" || provider === "swarm") {
        return definitions.find(
            (item) => item.provider === "docker" && item.name === reference.name,
        );
    }
    if (provider !== "kubernetescrd") {
        return undefined;
    }
    return definitions.find(
        (item) =>
            item.provider === "kubernetescrd" &&
            // From a CRD: `{ name, namespace }`; from labels or annotations: `namespace-name`.
            ((item.name === reference.name && item.namespace === reference.namespace) ||
                `${item.namespace}-${item.name}` === reference.name),
    );
}

/** What the middlewares of a route amount to, once resolved against the stack. */
export interface RouteProtection {
    authenticated: boolean;
    allowListed: boolean;
    /** References defined nowhere in the stack. */
    undefinedReferences: MiddlewareRef[];
    /** Names of the defined middlewares, for messages. */
    defined: string[];
}

export function protectionOf(
    route: DashboardRoute,
    definitions: MiddlewareDefinition[],
): RouteProtection {
    const protection: RouteProtection = {
        authenticated: false,
        allowListed: false,
        undefinedReferences: [],
        defined: [],
    };
    const pending = [...route.middlewares];
    const seen = new Set<MiddlewareDefinition>();
    while (pending.length > 0) {
        const reference = pending.shift() as MiddlewareRef;
        const definition = resolve(reference, definitions);
        if (!definition) {
            protection.undefinedReferences.push(reference);
            continue;
        }
        if (seen.has(definition)) {
            continue;
        }
        seen.add(definition);
        protection.defined.push(`${definition.name} (${definition.types.join(", ")})`);
        protection.authenticated ||= definition.types.some((type) =>
            authenticationTypes.includes(type),
        );
        protection.allowListed ||=
            definition.types.some((type) => allowListTypes.includes(type)) &&
            !definition.allowsEveryone;
        pending.push(...definition.chain);
    }
    return protection;
}

/** Writes a reference back the way a user reads it: `namespace/name`, `name@provider`. */
export function referenceText(reference: MiddlewareRef): string {
    const provider = reference.provider ? `@${reference.provider}` : "";
    const namespace = reference.namespace ? `${reference.namespace}/` : "";
    return `${namespace}${reference.name}${provider}`;
}
