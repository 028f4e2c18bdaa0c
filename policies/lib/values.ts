/**
 * Reading resource inputs that may be absent, unknown or oddly typed.
 *
 * The engine hands a policy the resource inputs wrapped in a proxy that throws when a value is
 * not known yet (a computed output during `pulumi preview`). Policies here first turn the inputs
 * into plain data with `plain`, where every such value becomes `UNKNOWN`, and then read fields
 * with the narrow readers below, so that no policy crashes on, or flags, a value it cannot know.
 */

/** Stands for a value the engine does not know yet; never equal to anything a program sets. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

export type Unknown = typeof UNKNOWN;

/** The data a policy reads: JSON-like values, with unknown ones marked. */
export type Plain = string | number | boolean | null | Unknown | Plain[] | { [key: string]: Plain };

export type PlainRecord = { [key: string]: Plain };

/**
 * The placeholders the engine puts where a value is unknown (the wire protocol uses the first;
 * @pulumi/policy defines the others for typed unknowns).
 */
const unknownPlaceholders = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * Copies resource inputs (possibly behind @pulumi/policy's unknown-checking proxy) into plain
 * data. A property whose read throws, or that holds an unknown placeholder, becomes `UNKNOWN`;
 * assets, archives and functions are dropped.
 */
export function plain(value: unknown, depth = 0, assets?: PendingAsset[]): Plain {
    if (depth > 64) {
        return UNKNOWN;
    }
    if (value === null || value === undefined) {
        return null;
    }
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    if (typeof value === "string") {
        return unknownPlaceholders.has(value) ? UNKNOWN : value;
    }
    if (typeof value === "number" || typeof value === "boolean") {
        return value;
    }
    if (Array.isArray(value)) {
        const items: Plain[] = [];
        for (let index = 0; index < value.length; index++) {
            items.push(plain(readProperty(value, String(index)), depth + 1, assets));
        }
        return items;
    }
    if (typeof value === "object" && readProperty(value, "__pulumiAsset") === true) {
        return assetText(value, assets);
    }
    if (typeof value === "object") {
        const copy: PlainRecord = {};
        for (const key of Object.keys(value)) {
            const field = readProperty(value, key);
            if (field !== undefined && typeof field !== "function") {
                copy[key] = plain(field, depth + 1, assets);
            }
        }
        return copy;
    }
    return null;
}

/** A string asset whose text is still a promise, and the record its text goes into. */
interface PendingAsset {
    holder: PlainRecord;
    text: PromiseLike<unknown>;
}

/**
 * A string asset (`new pulumi.asset.StringAsset(text)`) as `{ text }`. The engine hands it over
 * with its text in a promise; until `plainWithAssets` awaits it, the text is `UNKNOWN`. Other
 * assets (files, URLs) name content the pack cannot read and become `{}`.
 */
function assetText(asset: object, assets: PendingAsset[] | undefined): PlainRecord {
    const content = readProperty(asset, "text");
    if (typeof content === "string") {
        return { text: content };
    }
    const holder: PlainRecord = { text: UNKNOWN };
    if (content instanceof Object && "then" in content) {
        // The unknown-checking proxy hands out wrapped objects; a promise needs its target.
        const target = readProperty(content, "__getSpecialProxyTarget") ?? content;
        assets?.push({ holder, text: target as PromiseLike<unknown> });
        return holder;
    }
    return content === undefined ? {} : holder;
}

/** `plain`, with the text of string assets awaited. */
export async function plainWithAssets(value: unknown): Promise<Plain> {
    const assets: PendingAsset[] = [];
    const copy = plain(value, 0, assets);
    for (const { holder, text } of assets) {
        try {
            const resolved = await text;
            holder.text = typeof resolved === "string" ? resolved : UNKNOWN;
        } catch {
            holder.text = UNKNOWN;
        }
    }
    return copy;
}

function readProperty(container: object, key: string): unknown {
    try {
        return (container as Record<string, unknown>)[key];
    } catch {
        // The proxy throws on a value that is unknown during preview.
        return UNKNOWN;
    }
}

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

export function isRecord(value: Plain | undefined): value is PlainRecord {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The field at `path` below `value`, `undefined` when absent, `UNKNOWN` when not known yet. */
export function field(value: Plain | undefined, ...path: string[]): Plain | undefined {
    let current: Plain | undefined = value;
    for (const key of path) {
        if (isUnknown(current)) {
            return UNKNOWN;
        }
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[key];
    }
    return current === null ? undefined : current;
}

export function record(value: Plain | undefined): PlainRecord {
    return isRecord(value) ? value : {};
}

/**
 * A list value. Provider inputs travel as strings, so a list may arrive JSON-encoded; that is
 * decoded too. Anything else yields an empty list.
 */
export function list(value: Plain | undefined): Plain[] {
    if (Array.isArray(value)) {
        return value;
    }
    if (typeof value === "string" && value.trim().startsWith("[")) {
        try {
            const decoded = plain(JSON.parse(value));
            return Array.isArray(decoded) ? decoded : [];
        } catch {
            return [];
        }
    }
    return [];
}

export function text(value: Plain | undefined): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    return undefined;
}

export function integer(value: Plain | undefined): number | undefined {
    if (typeof value === "number" && Number.isInteger(value)) {
        return value;
    }
    if (typeof value === "string" && /^\d+$/.test(value.trim())) {
        return Number(value.trim());
    }
    return undefined;
}

/** `true` for a boolean true or its spellings in strings ("true", "True", "1", "yes", "on"). */
export function isTrue(value: Plain | undefined): boolean {
    if (value === true) {
        return true;
    }
    return typeof value === "string" && ["true", "1", "yes", "on"].includes(value.toLowerCase());
}

/** A string map; values that are not strings or numbers are left out. */
export function stringMap(value: Plain | undefined): Map<string, string> {
    const map = new Map<string, string>();
    for (const [key, item] of Object.entries(record(value))) {
        const itemText = text(item);
        if (itemText !== undefined) {
            map.set(key, itemText);
        }
    }
    return map;
}
