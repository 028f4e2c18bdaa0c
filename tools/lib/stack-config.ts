import * as fs from "fs";
import * as YAML from "yaml";

/**
 * Marks where a `secure:` value of a stack file stood when it could not be decrypted. It is
 * plainly not a real secret, so a reader of a report never mistakes it for one.
 */
export const SECRET_PLACEHOLDER_PREFIX = "<placeholder for encrypted config";

/** A stack file's config, in the form the Pulumi language host hands it to a program. */
export interface StackConfig {
    /** Fully qualified key (`flex4apps:domain`) to value; objects and lists are JSON text. */
    config: Record<string, string>;
    /** The keys whose value is a secret (a `secure:` value at the top or anywhere inside). */
    secretKeys: string[];
    /** The keys where an encrypted value was replaced by a placeholder. */
    placeholders: string[];
}

/** Thrown for a stack file that cannot be read or is not a Pulumi stack file. */
export class StackFileError extends Error {}

function isSecure(value: unknown): value is { secure: string } {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof (value as { secure?: unknown }).secure === "string"
    );
}

/** Replaces every `secure:` value inside `value` with a placeholder; reports whether it did. */
function replaceSecure(value: unknown, key: string): { value: unknown; replaced: boolean } {
    if (isSecure(value)) {
        return { value: `${SECRET_PLACEHOLDER_PREFIX} ${key}>`, replaced: true };
    }
    if (Array.isArray(value)) {
        const items = value.map((item, i) => replaceSecure(item, `${key}[${i}]`));
        return { value: items.map((i) => i.value), replaced: items.some((i) => i.replaced) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).map(
            ([k, v]) => [k, replaceSecure(v, `${key}.${k}`)] as const,
        );
        return {
            value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
            replaced: entries.some(([, r]) => r.replaced),
        };
    }
    return { value, replaced: false };
}

/**
 * Turns the `config:` block of a stack file into the language host's form. Keys without a
 * namespace belong to `project`. Encrypted values cannot be decrypted without the stack's
 * secrets provider, so each is replaced by a clearly marked placeholder and its key is
 * recorded as a secret.
 */
export function parseStackConfig(text: string, project: string, file = "stack file"): StackConfig {
    let document: unknown;
    try {
        document = YAML.parse(text);
    } catch (err) {
        throw new StackFileError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (document === null || document === undefined) {
        return { config: {}, secretKeys: [], placeholders: [] };
    }
    if (typeof document !== "object" || Array.isArray(document)) {
        throw new StackFileError(`${file} must be a YAML mapping with a 'config:' block`);
    }
    const block = (document as { config?: unknown }).config ?? {};
    if (typeof block !== "object" || block === null || Array.isArray(block)) {
        throw new StackFileError(`${file}: 'config' must be a mapping of keys to values`);
    }

    const result: StackConfig = { config: {}, secretKeys: [], placeholders: [] };
    for (const [rawKey, rawValue] of Object.entries(block)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const { value, replaced } = replaceSecure(rawValue, key);
        if (replaced) {
            result.secretKeys.push(key);
            result.placeholders.push(key);
        }
        result.config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return result;
}

/** Reads and parses a stack file. */
export function readStackConfig(file: string, project: string): StackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new StackFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    return parseStackConfig(text, project, file);
}

/** What a project file's `config:` block declares: defaults, and keys a stack must set. */
export interface ProjectConfig {
    /** Fully qualified key to default value, in the language host's form. */
    defaults: Record<string, string>;
    /** Keys declared with a type but no default: the CLI refuses a stack that leaves them out. */
    required: string[];
}

function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * Reads a Pulumi.yaml `config:` block: `key: value`, `key: { value: … }`, or a declaration
 * `key: { type, default, … }`.
 */
export function parseProjectConfig(block: unknown, project: string, file: string): ProjectConfig {
    const result: ProjectConfig = { defaults: {}, required: [] };
    if (block === undefined || block === null) {
        return result;
    }
    if (typeof block !== "object" || Array.isArray(block)) {
        throw new StackFileError(`${file}: 'config' must be a mapping of keys to values`);
    }
    for (const [key, entry] of Object.entries(block)) {
        const declared = typeof entry === "object" && entry !== null && !Array.isArray(entry);
        const declaration = entry as { default?: unknown; value?: unknown; type?: unknown };
        const value = declared ? (declaration.default ?? declaration.value) : entry;
        if (value !== undefined) {
            result.defaults[qualify(key, project)] =
                typeof value === "string" ? value : JSON.stringify(value);
        } else if (declared && declaration.type !== undefined) {
            result.required.push(qualify(key, project));
        }
    }
    return result;
}

/**
 * The config a program sees, as the CLI builds it: the project's defaults beneath the stack
 * file's values. Like the CLI, refuses a stack that leaves out a key the project declares
 * without a default.
 */
export function applyProjectConfig(
    stack: StackConfig,
    project: ProjectConfig,
    stackLabel: string,
): StackConfig {
    const missing = project.required.filter((key) => !(key in stack.config));
    if (missing.length > 0) {
        const keys = missing.map((key) => `'${key}'`).join(", ");
        throw new StackFileError(
            `${stackLabel} is missing configuration value${missing.length > 1 ? "s" : ""} ${keys}`,
        );
    }
    return { ...stack, config: { ...project.defaults, ...stack.config } };
}
