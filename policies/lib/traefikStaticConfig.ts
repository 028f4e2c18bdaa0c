import * as toml from "smol-toml";
import { parseDocument } from "yaml";

import { isRecord, plain, Plain, PlainRecord, text } from "./values";
import { imageRepositories, WorkloadContainer } from "./workloads";

/**
 * Traefik's static configuration, gathered from every place it can be written, flattened to
 * lower-case dotted keys (`api.insecure`, `entrypoints.traefik.address`) with the field each
 * value was read from. Traefik's own keys are case-insensitive, and so are these.
 */
export type StaticConfig = Map<string, { value: string; field: string }>;

/**
 * Reads CLI arguments in every spelling Traefik users write: `--api.insecure`,
 * `--api.insecure=true`, `--api.insecure true`, `-api.insecure`, any letter case.
 */
export function staticConfigFromArguments(words: string[], field: string): StaticConfig {
    const config: StaticConfig = new Map();
    for (let index = 0; index < words.length; index++) {
        const match = /^--?([a-z0-9][\w.-]*)(?:=(.*))?$/i.exec(words[index]);
        if (!match) {
            continue;
        }
        let value = match[2];
        const next = words[index + 1];
        if (value === undefined && next !== undefined && /^(true|false|1|0|t|f)$/i.test(next)) {
            value = next;
            index++;
        }
        config.set(match[1].toLowerCase(), { value: value ?? "true", field });
    }
    return config;
}

/** Reads `TRAEFIK_API_INSECURE=true`-style variables (`_` separates the key's parts). */
export function staticConfigFromEnvironment(
    environment: Map<string, string>,
    field: string,
): StaticConfig {
    const config: StaticConfig = new Map();
    for (const [name, value] of environment) {
        const match = /^traefik_(.+)$/i.exec(name);
        if (match) {
            config.set(match[1].toLowerCase().replace(/_/g, "."), {
                value,
                field: `${field} ${name}`,
            });
        }
    }
    return config;
}

/** A configuration file's document: YAML (and so JSON) or TOML, whichever it parses as. */
export function parseConfigFile(path: string, content: string): PlainRecord | undefined {
    const parsers = /\.toml$/i.test(path)
        ? [parseToml, parseYamlDocument]
        : [parseYamlDocument, parseToml];
    for (const parse of parsers) {
        const document = parse(content);
        if (document) {
            return document;
        }
    }
    return undefined;
}

function parseYamlDocument(content: string): PlainRecord | undefined {
    try {
        const document = parseDocument(content);
        const value = document.errors.length === 0 ? plain(document.toJS()) : undefined;
        return isRecord(value) ? value : undefined;
    } catch {
        return undefined;
    }
}

function parseToml(content: string): PlainRecord | undefined {
    try {
        const value = plain(toml.parse(content));
        return isRecord(value) ? value : undefined;
    } catch {
        return undefined;
    }
}

/** A document flattened to lower-case dotted keys; an empty section (`api: {}`) is a flag. */
function flatten(value: Plain, prefix: string, field: string, config: StaticConfig): void {
    if (isRecord(value) && Object.keys(value).length > 0) {
        for (const [key, item] of Object.entries(value)) {
            flatten(
                item,
                prefix === "" ? key.toLowerCase() : `${prefix}.${key.toLowerCase()}`,
                field,
                config,
            );
        }
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((item, index) => flatten(item, `${prefix}[${index}]`, field, config));
        return;
    }
    config.set(prefix, {
        value: isRecord(value) || value === null ? "" : (text(value) ?? ""),
        field,
    });
}

/** Reads a static configuration file in YAML, JSON or TOML, in any of their syntaxes. */
export function staticConfigFromFile(content: string, field: string, path = ""): StaticConfig {
    const config: StaticConfig = new Map();
    const document = parseConfigFile(path, content);
    if (document) {
        flatten(document, "", field, config);
    }
    return config;
}

export function mergeStaticConfig(...configs: StaticConfig[]): StaticConfig {
    const merged: StaticConfig = new Map();
    for (const config of configs) {
        for (const [key, value] of config) {
            merged.set(key, value);
        }
    }
    return merged;
}

/** Whether a setting is on: a bare flag, or what Go's ParseBool reads as true (1, t, TRUE…). */
export function isOn(config: StaticConfig, key: string): boolean {
    const setting = config.get(key);
    return setting !== undefined && /^(|1|t|true)$/i.test(setting.value.trim());
}

/** Traefik's top-level sections that no other program's configuration is likely to share. */
const traefikSections = ["entrypoints", "providers", "certificatesresolvers", "serverstransport"];

/** Keys of Traefik's `api` section: a top-level `api` made only of these is Traefik's. */
const apiKeys = ["insecure", "dashboard", "debug", "basepath", "disabledashboardad"];

/**
 * Whether file content is a Traefik static configuration: its path names Traefik, or it has one
 * of Traefik's own top-level sections, or an `api` section made only of Traefik's keys.
 */
export function looksLikeTraefikConfig(path: string, content: string): boolean {
    if (/traefik/i.test(path)) {
        return true;
    }
    const document = parseConfigFile(path, content);
    if (!document) {
        return false;
    }
    const sections = new Map<string, Plain>(
        Object.entries(document).map(([key, value]) => [key.toLowerCase(), value]),
    );
    const api = sections.get("api");
    const apiSection =
        isRecord(api) &&
        Object.keys(api).length > 0 &&
        Object.keys(api).every((key) => apiKeys.includes(key.toLowerCase()));
    return apiSection || traefikSections.some((section) => sections.has(section));
}

/** The static configuration a container runs Traefik with: arguments, environment, files. */
export function containerStaticConfig(container: WorkloadContainer): StaticConfig {
    const files = [...container.files].filter(([path, content]) =>
        looksLikeTraefikConfig(path, content),
    );
    return mergeStaticConfig(
        ...files.map(([path, content]) => staticConfigFromFile(content, `uploads ${path}`, path)),
        staticConfigFromEnvironment(container.environment, fieldOf(container, "environment")),
        staticConfigFromArguments(container.arguments, fieldOf(container, "command/args")),
    );
}

function fieldOf(container: WorkloadContainer, what: string): string {
    return container.field === "" ? what : `${container.field} ${what}`;
}

/**
 * Whether a container runs Traefik: its image is a Traefik image (`traefik`, `traefik/traefik`,
 * k3s's `rancher/mirrored-library-traefik`), or it is configured with Traefik's own variables.
 */
export function isTraefikContainer(container: WorkloadContainer): boolean {
    const lastParts = imageRepositories(container.image).map((name) => name.split("/").pop());
    return (
        lastParts.some((lastPart) => /traefik/.test(lastPart ?? "")) ||
        [...container.environment.keys()].some((name) => /^traefik_/i.test(name))
    );
}

/** The port an entrypoint address (`:8080`, `0.0.0.0:8080/tcp`) listens on. */
export function addressPort(address: string): number | undefined {
    const match = /:(\d+)(\/\w+)?$/.exec(address.trim());
    return match ? Number(match[1]) : undefined;
}

/** The host an entrypoint address listens on (`127.0.0.1:8080` → `127.0.0.1`, `:8080` → ""). */
export function addressHost(address: string): string {
    const withoutPort = address.trim().replace(/:\d+(\/\w+)?$/, "");
    return withoutPort.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Whether Traefik opens its `traefik` entrypoint: it is configured by name, or something served
 * on it by default is on (the API or dashboard, ping, Prometheus metrics, the REST provider).
 */
export function opensTraefikEntrypoint(config: StaticConfig): boolean {
    return [...config.keys()].some(
        (key) =>
            key === "entrypoints.traefik.address" ||
            /^(api|ping|providers\.rest)(\.|$)/.test(key) ||
            /^metrics\.prometheus(\.|$)/.test(key),
    );
}

/** The address of the `traefik` entrypoint: as configured, else Traefik's default `:8080`. */
export function traefikEntrypointAddress(config: StaticConfig): { value: string; field?: string } {
    const setting = config.get("entrypoints.traefik.address");
    return setting ?? { value: ":8080" };
}

/**
 * The ports that serve Traefik's `traefik` entrypoint (API, dashboard, ping): its configured
 * address, else 8080; and 9000, the older chart's choice, unless another entrypoint uses it.
 */
export function traefikEntrypointPorts(config: StaticConfig): number[] {
    const ports = new Map<number, string>();
    for (const [key, setting] of config) {
        const match = /^entrypoints\.([^.]+)\.address$/.exec(key);
        const port = match ? addressPort(setting.value) : undefined;
        if (match && port !== undefined) {
            ports.set(port, match[1]);
        }
    }
    const configured = [...ports].filter(([, name]) => name === "traefik").map(([port]) => port);
    if (configured.length > 0) {
        return configured;
    }
    return [8080, 9000].filter((port) => !ports.has(port));
}
