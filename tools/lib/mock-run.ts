import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { platformMocks } from "./mocks";

/** One resource as the program registered it with the (mock) resource monitor. */
export interface RegisteredResource {
    urn: string;
    type: string;
    name: string;
    /** False for component resources. */
    custom: boolean;
    /** URN of the parent; absent for resources at the top of the program. */
    parent?: string;
    /** The provider reference (`urn::id`) the resource is bound to, when one was given. */
    provider?: string;
    /** Inputs in wire form: a secret is `{ [SIG_KEY]: SECRET_SIG, value }`. */
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The id the mocks gave the resource. */
    id?: string;
    /** The provider plugin version the SDK asked for, when it named one. */
    version?: string;
    /** The resource options the engine hands on to policy packs. */
    options?: RegisteredOptions;
}

/** Resource options as the monitor received them (custom timeouts as the SDK's duration text). */
export interface RegisteredOptions {
    protect: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs: string[];
    /** Alias URNs, given as URNs or resolved by the SDK from alias specs. */
    aliases: string[];
    customTimeouts: { create: string; update: string; delete: string };
}

/** A message the program logged through `pulumi.log`. */
export interface ProgramLog {
    severity: "info" | "warning" | "error";
    message: string;
}

export interface MockRunOptions {
    /** The program: a Pulumi project directory or a TypeScript/JavaScript entry file. */
    program: string;
    project: string;
    stack: string;
    /** Fully qualified config (`flex4apps:domain` → value), objects as JSON text. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Run as `pulumi preview` does (default) or as `pulumi up`. */
    preview?: boolean;
    /** How long the program must stay quiet to be done (default {@link SETTLE_MS}). */
    settleMs?: number;
    /** How long it may go on registering resources before the run fails (default 30 s). */
    maxRunMs?: number;
}

export interface MockRunResult {
    resources: RegisteredResource[];
    /** What the program's entry module exports, with every Output resolved. */
    exports: Record<string, ResolvedExport>;
    logs: ProgramLog[];
    /** The first error the program failed with, if it failed. */
    error?: Error;
}

export interface ResolvedExport {
    value: unknown;
    secret: boolean;
}

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value in wire form that is marked secret. */
export function isSecretValue(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
    );
}

/** The plain value of a wire-form value: secret markers removed, at every depth. */
export function plain(value: unknown): unknown {
    if (isSecretValue(value)) {
        return plain((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

async function resolveExport(value: unknown, sdk: typeof pulumi): Promise<ResolvedExport> {
    if (sdk.Output.isInstance(value)) {
        const output = value as unknown as {
            promise(): Promise<unknown>;
            isSecret: Promise<boolean>;
        };
        return { value: await output.promise(), secret: await output.isSecret };
    }
    return { value, secret: false };
}

const LOG_PREFIX = /^(info|warning|error): \[runtime\] /;

/**
 * Without an engine, `pulumi.log` writes to the console with a `severity: [runtime]` prefix;
 * collects those lines for the length of the run and lets everything else through.
 */
function captureLogs(logs: ProgramLog[]): () => void {
    const original = { log: console.log, warn: console.warn, error: console.error };
    const capture =
        (fallback: (...args: unknown[]) => void) =>
        (...args: unknown[]) => {
            const text = args.map(String).join(" ");
            const match = LOG_PREFIX.exec(text);
            if (match) {
                logs.push({
                    severity: match[1] as ProgramLog["severity"],
                    message: text.slice(match[0].length),
                });
                return;
            }
            fallback(...args);
        };
    console.log = capture(original.log);
    console.warn = capture(original.warn);
    console.error = capture(original.error);
    return () => Object.assign(console, original);
}

/**
 * How long a program must go without registering a resource, once the RPCs in flight are done,
 * for its run to count as finished. Paid once per quiet spell, not per resource.
 *
 * Limitation: `pulumi up` waits for the Node event loop to drain; this cannot, because the
 * check's own sockets and child process keep it busy. A resource registered later than this
 * after the last one (a timer or a slow callback) is not seen while the program runs;
 * `policy:check` fails if one arrives while the pack is checking, but one that arrives after
 * the verdict goes unchecked.
 */
export const SETTLE_MS = 100;

const MAX_RUN_MS = 30_000;

/** What `process.exit` throws (and reports) while a program runs here. */
export class ProgramExitError extends Error {
    constructor(readonly code: unknown) {
        super(`the program called process.exit(${code === undefined ? "" : String(code)})`);
        this.name = "ProgramExitError";
    }
}

/** What a program does outside its own flow: rejections, exceptions, process.exit. */
export interface ProgramWatch {
    /** Failures in the order they happened, each once. */
    failures: Error[];
    record(failure: unknown): void;
    stop(): void;
}

/**
 * Until `stop()`, records what would end a program run by the Node language host: unhandled
 * rejections, uncaught exceptions (from timers and callbacks) and calls of `process.exit`,
 * which throws instead, so that a program cannot end the check with a status of its own.
 *
 * Limitation: `process.kill(process.pid)` and `process.abort()` still end the process, with a
 * signal's status rather than a verdict's (0 or 1).
 */
export function watchProgram(): ProgramWatch {
    const failures: Error[] = [];
    const record = (failure: unknown) => {
        const error = failure instanceof Error ? failure : new Error(String(failure));
        if (!failures.includes(error)) {
            failures.push(error);
        }
    };
    const exit = process.exit;
    process.exit = ((code?: unknown) => {
        const error = new ProgramExitError(code);
        record(error);
        throw error;
    }) as typeof process.exit;
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    return {
        failures,
        record,
        stop() {
            process.exit = exit;
            process.off("unhandledRejection", record);
            process.off("uncaughtException", record);
        },
    };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the program is quiet: no RPC in flight and no new registration for `settleMs`,
 * as the language host waits for the event loop. Fails after `maxRunMs`.
 */
async function settle(
    registered: () => number,
    waitForRPCs: () => Promise<void>,
    settleMs: number,
    maxRunMs: number,
): Promise<void> {
    const deadline = Date.now() + maxRunMs;
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const seconds = Math.round(maxRunMs / 100) / 10;
            reject(new Error(`still registering resources after ${seconds} s`));
        }, maxRunMs);
    });
    try {
        for (;;) {
            const before = registered();
            await Promise.race([waitForRPCs(), overdue]);
            await sleep(Math.min(settleMs, Math.max(0, deadline - Date.now())));
            await Promise.race([waitForRPCs(), overdue]);
            if (registered() === before) {
                return;
            }
        }
    } finally {
        clearTimeout(timer);
    }
}

/**
 * Runs a Pulumi program in this process against the SDK's mock monitor, with the given stack
 * config, and records every resource it registers exactly as the monitor received it.
 *
 * The SDK keeps its state on the global object, so that state is dropped first: a process (or
 * a jest test file) can run several programs one after the other. Callers that load modules
 * through a registry (jest) must reset it between runs so the program gets a fresh SDK too.
 *
 * Once the entry module is done, the run goes on until the program is quiet (see
 * {@link SETTLE_MS}), so resources registered after an `await`, a timer or a callback count.
 * While it runs, `process.exit` throws and is reported as the program's failure.
 */
export async function runProgramUnderMocks(options: MockRunOptions): Promise<MockRunResult> {
    delete (global as { globalStore?: unknown }).globalStore;
    // Loaded here, not at the top, so that each run gets the SDK copy the program will load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk: typeof pulumi = require("@pulumi/pulumi");
    const runtime = sdk.runtime;
    // The SDK's own functions for the mock monitor and its RPC queue, not declared publicly.
    const internals = runtime as unknown as {
        getMonitor(): { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
        waitForRPCs(): Promise<void>;
    };

    runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await runtime.setMocks(platformMocks, options.project, options.stack, options.preview ?? true);

    const resources: RegisteredResource[] = [];
    const monitor = internals.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
        const index = resources.length;
        resources.push(describeRequest(req));
        return register(req, (err: unknown, response: { getUrn(): string; getId(): string }) => {
            if (!err && response) {
                resources[index].urn = response.getUrn();
                resources[index].id = response.getId() || undefined;
            }
            (callback as (e: unknown, r: unknown) => void)(err, response);
        });
    };

    const logs: ProgramLog[] = [];
    const restoreConsole = captureLogs(logs);
    const watch = watchProgram();
    // Not named `exports`: that would hide the module's own from its compiled code.
    const exported: Record<string, ResolvedExport> = {};
    try {
        let moduleExports: Record<string, unknown> = {};
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const loaded = require(path.resolve(options.program));
            moduleExports = (typeof loaded === "function" ? await loaded() : loaded) ?? {};
        } catch (err) {
            watch.record(err);
        }
        if (watch.failures.length === 0) {
            await settle(
                () => resources.length,
                () => internals.waitForRPCs(),
                options.settleMs ?? SETTLE_MS,
                options.maxRunMs ?? MAX_RUN_MS,
            ).catch(watch.record);
        }
        // Let rejections already queued for this run arrive before the watch ends.
        await new Promise((resolve) => setImmediate(resolve));
        if (watch.failures.length === 0) {
            for (const [key, value] of Object.entries(moduleExports)) {
                exported[key] = await resolveExport(value, sdk);
            }
        }
    } finally {
        watch.stop();
        restoreConsole();
    }
    return { resources, exports: exported, logs, error: watch.failures[0] };
}

/** The parts of the SDK's RegisterResourceRequest that are read here. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getCustom(): boolean;
    getParent(): string;
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getVersion(): string;
    getProtect(): boolean | undefined;
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getAliasurnsList(): string[];
    getAliasesList(): { getUrn(): string }[];
    getCustomtimeouts():
        { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getPropertydependenciesMap(): {
        forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
    };
}

function describeRequest(req: RegisterRequest): RegisteredResource {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
        propertyDependencies[key] = value.getUrnsList();
    });
    return {
        urn: "",
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        inputs: req.getObject()?.toJavaScript() ?? {},
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        version: req.getVersion() || undefined,
        options: describeOptions(req),
    };
}

function describeOptions(req: RegisterRequest): RegisteredOptions {
    const timeouts = req.getCustomtimeouts();
    const aliases = [
        ...req.getAliasurnsList(),
        ...req.getAliasesList().map((alias) => alias.getUrn()),
    ].filter((urn) => urn);
    return {
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplacedefined()
            ? req.getDeletebeforereplace()
            : undefined,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliases,
        customTimeouts: {
            create: timeouts?.getCreate() ?? "",
            update: timeouts?.getUpdate() ?? "",
            delete: timeouts?.getDelete() ?? "",
        },
    };
}
