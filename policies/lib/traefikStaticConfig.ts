import { imageRepository, WorkloadContainer } from "./workloads";

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

/**
 * Reads a static configuration file in YAML or TOML, for the simple shapes such files take:
 * nested block mappings by indentation, `[section]` headers, `key: value` / `key = value`.
 */
export function staticConfigFromFile(content: string, field: string): StaticConfig {
    const config: StaticConfig = new Map();
    const parents: { indent: number; key: string }[] = [];
    let section: string[] = [];
    for (const rawLine of content.split(/\r?\n/)) {
        const line = rawLine.replace(/\s+#.*$/, "");
        const header = /^\s*\[+\s*([^\]]+?)\s*\]+\s*$/.exec(line);
        if (header) {
            section = header[1].toLowerCase().split(".");
            parents.length = 0;
            continue;
        }
        const entry = /^(\s*)["']?([\w.-]+)["']?\s*[:=]\s*(.*?)\s*$/.exec(line);
        if (!entry) {
            continue;
        }
        const indent = entry[1].length;
        while (parents.length > 0 && parents[parents.length - 1].indent >= indent) {
            parents.pop();
        }
        const key = [...section, ...parents.map((parent) => parent.key), entry[2].toLowerCase()];
        if (entry[3] === "") {
            parents.push({ indent, key: entry[2].toLowerCase() });
        } else {
            config.set(key.join("."), { value: entry[3].replace(/^["']|["']$/g, ""), field });
        }
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

/** Whether file content looks like a Traefik static configuration. */
export function looksLikeTraefikConfig(path: string, content: string): boolean {
    return /traefik/i.test(path) || /^\s*\[?\s*(entryPoints|providers)\b/im.test(content);
}

/** The static configuration a container runs Traefik with: arguments, environment, files. */
export function containerStaticConfig(container: WorkloadContainer): StaticConfig {
    const files = [...container.files].filter(([path, content]) =>
        looksLikeTraefikConfig(path, content),
    );
    return mergeStaticConfig(
        ...files.map(([path, content]) => staticConfigFromFile(content, `uploads ${path}`)),
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
    const repository = imageRepository(container.image);
    const lastPart = repository.split("/").pop() ?? "";
    return (
        /traefik/.test(lastPart) ||
        [...container.environment.keys()].some((name) => /^traefik_/i.test(name))
    );
}

/** The port an entrypoint address (`:8080`, `0.0.0.0:8080/tcp`) listens on. */
export function addressPort(address: string): number | undefined {
    const match = /:(\d+)(\/\w+)?$/.exec(address.trim());
    return match ? Number(match[1]) : undefined;
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
