import { spawn, type ChildProcess } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { SECRET_SIG, SIG_KEY, type RegisteredResource } from "./mock-run";

// The message classes must come from the copy of google-protobuf the generated stubs load, or
// their `instanceof` checks reject what is built here.
const protoRequire = createRequire(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const { Struct } = protoRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const { Empty } = protoRequire("google-protobuf/google/protobuf/empty_pb") as {
    Empty: new () => unknown;
};

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
    [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
};

function levelToProto(level: EnforcementLevel): analyzerProto.EnforcementLevel {
    const entry = Object.entries(LEVELS).find(([, name]) => name === level);
    if (!entry) {
        throw new Error(`unknown enforcement level '${level}'`);
    }
    return Number(entry[0]) as analyzerProto.EnforcementLevel;
}

/** A policy as the pack describes it in `GetAnalyzerInfo`. */
export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    kind: "resource" | "stack" | "unspecified";
    /** JSON schema of the policy's config, as the pack declares it (without enforcementLevel). */
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface PolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface AnalyzerInfo {
    name: string;
    version: string;
    displayName?: string;
    supportsConfig: boolean;
    policies: PolicyInfo[];
    /** Config the pack was constructed with (`new PolicyPack(name, args, initialConfig)`). */
    initialConfig: Record<string, Partial<PolicyConfig>>;
}

/** One violation, as the pack reports it. */
export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    /** The resource it concerns; empty for a stack policy that names none. */
    urn: string;
}

/** A policy that said it does not apply to a resource (an exemption, say), and why. */
export interface Skipped {
    policyName: string;
    reason: string;
    /** The resource; empty for the stack as a whole. */
    urn: string;
}

export interface AnalyzeResult {
    diagnostics: Diagnostic[];
    /** Policies that said they do not apply, with their reasons. */
    notApplicable: { policyName: string; reason: string }[];
}

/** The provider a resource is bound to, as the engine describes it to the pack. */
export interface AnalyzerProvider {
    urn: string;
    type: string;
    name: string;
    /** Wire-form properties (secrets stay marked). */
    properties: Record<string, unknown>;
}

/** A resource in the shape the engine sends it to `Analyze` and `AnalyzeStack`. */
export interface AnalyzerResource {
    urn: string;
    type: string;
    name: string;
    /** Wire-form properties (secrets stay marked, unknowns are the SDK's sentinel). */
    properties: Record<string, unknown>;
    options: {
        parent?: string;
        protect: boolean;
        ignoreChanges: string[];
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs: string[];
        aliases: string[];
        customTimeouts: { create: number; update: number; delete: number };
    };
    provider?: AnalyzerProvider;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/** A line the pack wrote, or a message it logged through the engine. */
export interface PackLog {
    source: "engine" | "stdout" | "stderr";
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    urn?: string;
}

export interface StartPolicyPackOptions {
    /** The policy pack directory (holds PulumiPolicy.yaml and node_modules). */
    packDir: string;
    project?: string;
    stack?: string;
    organization?: string;
    /** The stack's config, fully qualified keys, handed to the pack as the CLI does. */
    config?: Record<string, string>;
    dryRun?: boolean;
    /** How long to wait for the pack to print its port. */
    startTimeoutMs?: number;
    /** Called for every line the pack writes and every message it logs. */
    onLog?: (log: PackLog) => void;
}

/** The pack could not be started, or exited before it printed a port. */
export class PolicyPackStartError extends Error {}

const ENGINE_SEVERITIES: Record<number, PackLog["severity"]> = {
    [engineProto.LogSeverity.DEBUG]: "debug",
    [engineProto.LogSeverity.INFO]: "info",
    [engineProto.LogSeverity.WARNING]: "warning",
    [engineProto.LogSeverity.ERROR]: "error",
};

/**
 * The part of the engine's host service a policy pack calls: `Log`. The rest answers as an
 * engine without a root resource would.
 */
async function startEngineService(onLog: (log: PackLog) => void): Promise<{
    address: string;
    server: grpc.Server;
}> {
    const server = new grpc.Server();
    const implementation: engineRpc.IEngineServer = {
        log(call, callback) {
            const request = call.request;
            onLog({
                source: "engine",
                severity: ENGINE_SEVERITIES[request.getSeverity()] ?? "info",
                message: request.getMessage(),
                urn: request.getUrn() || undefined,
            });
            callback(null, new Empty() as never);
        },
        getRootResource(_call, callback) {
            callback(null, new engineProto.GetRootResourceResponse());
        },
        setRootResource(_call, callback) {
            callback(null, new engineProto.SetRootResourceResponse());
        },
        startDebugging(_call, callback) {
            callback(null, new Empty() as never);
        },
        requirePulumiVersion(_call, callback) {
            callback(null, new engineProto.RequirePulumiVersionResponse());
        },
    };
    server.addService(engineRpc.EngineService, implementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) =>
            err ? reject(err) : resolve(bound),
        ),
    );
    return { address: `127.0.0.1:${port}`, server };
}

/**
 * The environment the CLI gives a policy pack: its own, plus the stack's config and identity
 * (`constructEnv` in the CLI's analyzer plugin).
 */
function packEnvironment(options: StartPolicyPackOptions, engineAddress: string) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const set = (key: string, value: string | undefined) => {
        if (value) {
            env[key] = value;
        }
    };
    if (options.config && Object.keys(options.config).length > 0) {
        set("PULUMI_CONFIG", JSON.stringify(options.config));
    }
    const dryRun = String(options.dryRun ?? true);
    for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
        set(`${prefix}ORGANIZATION`, options.organization);
        set(`${prefix}PROJECT`, options.project);
        set(`${prefix}STACK`, options.stack);
        set(`${prefix}DRY_RUN`, dryRun);
    }
    // The CLI also passes the engine's address as the first argument, which run-policy-pack
    // drops; the SDK looks for an engine only here. With it set, `pulumi.log` in a policy
    // arrives at the engine service as a message instead of as text on the pack's stdout.
    env.PULUMI_NODEJS_ENGINE = engineAddress;
    return env;
}

/** Reads the first line of the child's stdout, the port, as the CLI does. */
function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string) {
    return new Promise<number>((resolve, reject) => {
        let buffered = "";
        const fail = (why: string) => {
            cleanup();
            const output = stderr().trim();
            reject(new PolicyPackStartError(output ? `${why}:\n${output}` : why));
        };
        const onData = (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            const newline = buffered.indexOf("\n");
            if (newline < 0) {
                return;
            }
            const line = buffered.slice(0, newline).trim();
            cleanup();
            const rest = buffered.slice(newline + 1);
            if (rest) {
                child.stdout?.emit("data", Buffer.from(rest));
            }
            if (!/^\d+$/.test(line)) {
                reject(new PolicyPackStartError(`the pack wrote a non-numeric port: '${line}'`));
                return;
            }
            resolve(Number(line));
        };
        const onExit = (code: number | null, signal: string | null) =>
            fail(`the pack exited (${signal ?? `code ${code}`}) before it printed its port`);
        const onError = (err: Error) => fail(`the pack could not be started: ${err.message}`);
        const timer = setTimeout(
            () => fail(`the pack printed no port within ${timeoutMs / 1000}s`),
            timeoutMs,
        );
        const cleanup = () => {
            clearTimeout(timer);
            child.stdout?.off("data", onData);
            child.off("exit", onExit);
            child.off("error", onError);
        };
        child.stdout?.on("data", onData);
        child.once("exit", onExit);
        child.once("error", onError);
    });
}

/** Splits a stream into lines and hands each non-empty one on. */
function forwardLines(stream: NodeJS.ReadableStream | null, each: (line: string) => void) {
    let pending = "";
    stream?.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        lines.filter((l) => l.trim()).forEach(each);
    });
    stream?.on("end", () => {
        if (pending.trim()) {
            each(pending);
        }
    });
}

/**
 * A running policy pack and a typed client for its Analyzer service. Close it when done: the
 * pack's gRPC server keeps its process alive until it is killed, as the CLI kills it.
 */
export class PolicyPack {
    private closed = false;

    constructor(
        private readonly client: analyzerRpc.AnalyzerClient,
        private readonly child: ChildProcess,
        private readonly engine: grpc.Server,
        readonly address: string,
        /** Everything the pack wrote or logged so far; grows while it runs. */
        readonly logs: PackLog[],
    ) {}

    get pid(): number | undefined {
        return this.child.pid;
    }

    private call<Res>(
        invoke: (callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    ): Promise<Res> {
        return new Promise((resolve, reject) =>
            invoke((err, response) =>
                err ? reject(new Error(err.details || err.message)) : resolve(response),
            ),
        );
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await this.call<analyzerProto.AnalyzerInfo>((done) =>
            this.client.getAnalyzerInfo(new Empty() as never, done),
        );
        const policies = info.getPoliciesList().map((policy): PolicyInfo => {
            const schema = policy.getConfigschema();
            const kinds = analyzerProto.PolicyType;
            return {
                name: policy.getName(),
                displayName: policy.getDisplayname() || undefined,
                description: policy.getDescription(),
                enforcementLevel: LEVELS[policy.getEnforcementlevel()],
                kind:
                    policy.getPolicyType() === kinds.POLICY_TYPE_RESOURCE
                        ? "resource"
                        : policy.getPolicyType() === kinds.POLICY_TYPE_STACK
                          ? "stack"
                          : "unspecified",
                configSchema: schema && {
                    properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                        string,
                        unknown
                    >,
                    required: schema.getRequiredList(),
                },
            };
        });
        const initialConfig: AnalyzerInfo["initialConfig"] = {};
        info.getInitialconfigMap().forEach((value, key) => {
            initialConfig[key] = {
                enforcementLevel: LEVELS[value.getEnforcementlevel()],
                properties: value.getProperties()?.toJavaScript(),
            };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            displayName: info.getDisplayname() || undefined,
            supportsConfig: info.getSupportsconfig(),
            policies,
            initialConfig,
        };
    }

    async getPluginInfo(): Promise<{ version: string }> {
        const info = await this.call<{ getVersion(): string }>((done) =>
            this.client.getPluginInfo(new Empty() as never, done),
        );
        return { version: info.getVersion() };
    }

    /** Sets each policy's config and enforcement level, as `--policy-pack-config` does. */
    async configure(config: Record<string, PolicyConfig>): Promise<void> {
        const request = new analyzerProto.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [name, policy] of Object.entries(config)) {
            const message = new analyzerProto.PolicyConfig();
            message.setEnforcementlevel(levelToProto(policy.enforcementLevel));
            message.setProperties(Struct.fromJavaScript(toStructValue(policy.properties ?? {})));
            map.set(name, message);
        }
        await this.call((done) => this.client.configure(request, done));
    }

    /** Tells the pack which stack it checks, as the CLI does right after starting it. */
    async configureStack(stack: {
        project: string;
        stack: string;
        organization?: string;
        config?: Record<string, string>;
        secretKeys?: string[];
        dryRun?: boolean;
        tags?: Record<string, string>;
    }): Promise<void> {
        const request = new analyzerProto.AnalyzerStackConfigureRequest();
        request.setProject(stack.project);
        request.setStack(stack.stack);
        request.setOrganization(stack.organization ?? "");
        request.setDryRun(stack.dryRun ?? true);
        request.setConfigSecretKeysList(stack.secretKeys ?? []);
        for (const [key, value] of Object.entries(stack.config ?? {})) {
            request.getConfigMap().set(key, value);
        }
        for (const [key, value] of Object.entries(stack.tags ?? {})) {
            request.getTagsMap().set(key, value);
        }
        await this.call((done) => this.client.configureStack(request, done));
    }

    /** Checks one resource against every resource policy. */
    async analyze(resource: AnalyzerResource): Promise<AnalyzeResult> {
        const request = describeResource(new analyzerProto.AnalyzeRequest(), resource);
        return readResponse(await this.call((done) => this.client.analyze(request, done)));
    }

    /**
     * Checks the whole stack against every stack policy.
     *
     * Limitation: the engine sends the stack's outputs here, after the preview; under mocks
     * the resources' inputs are all there is, so a stack policy that reads an output a provider
     * computes sees nothing.
     */
    async analyzeStack(resources: AnalyzerResource[]): Promise<AnalyzeResult> {
        const request = new analyzerProto.AnalyzeStackRequest();
        request.setResourcesList(resources.map(resourceMessage));
        return readResponse(await this.call((done) => this.client.analyzeStack(request, done)));
    }

    /** Disconnects and stops the pack and the engine service; safe to call twice. */
    async close(): Promise<void> {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.client.close();
        await stopChild(this.child);
        await new Promise<void>((resolve) => this.engine.tryShutdown(() => resolve()));
    }
}

/** Struct.fromJavaScript rejects `undefined`; the engine drops such properties. */
function toStructValue(
    value: Record<string, unknown>,
): Record<string, structTypes.JavaScriptValue> {
    return JSON.parse(JSON.stringify(value)) as Record<string, structTypes.JavaScriptValue>;
}

function optionsMessage(options: AnalyzerResource["options"]) {
    const message = new analyzerProto.AnalyzerResourceOptions();
    message.setProtect(options.protect);
    message.setIgnorechangesList(options.ignoreChanges);
    message.setDeletebeforereplacedefined(options.deleteBeforeReplace !== undefined);
    message.setDeletebeforereplace(options.deleteBeforeReplace ?? false);
    message.setAdditionalsecretoutputsList(options.additionalSecretOutputs);
    message.setAliasesList(options.aliases);
    const timeouts = new analyzerProto.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(options.customTimeouts.create);
    timeouts.setUpdate(options.customTimeouts.update);
    timeouts.setDelete(options.customTimeouts.delete);
    message.setCustomtimeouts(timeouts);
    message.setParent(options.parent ?? "");
    return message;
}

/** The setters that the engine's resource, provider and request messages have in common. */
interface DescribedMessage {
    setUrn(value: string): unknown;
    setType(value: string): unknown;
    setName(value: string): unknown;
    setProperties(value?: structTypes.Struct): unknown;
}

function describeIdentity<M extends DescribedMessage>(message: M, of: AnalyzerProvider): M {
    message.setUrn(of.urn);
    message.setType(of.type);
    message.setName(of.name);
    message.setProperties(Struct.fromJavaScript(toStructValue(of.properties)));
    return message;
}

/** Fills what `Analyze` and `AnalyzeStack` both receive for a resource. */
function describeResource<
    M extends DescribedMessage & {
        setOptions(value?: analyzerProto.AnalyzerResourceOptions): unknown;
        setProvider(value?: analyzerProto.AnalyzerProviderResource): unknown;
    },
>(message: M, resource: AnalyzerResource): M {
    describeIdentity(message, resource);
    message.setOptions(optionsMessage(resource.options));
    if (resource.provider) {
        message.setProvider(
            describeIdentity(new analyzerProto.AnalyzerProviderResource(), resource.provider),
        );
    }
    return message;
}

function resourceMessage(resource: AnalyzerResource) {
    const message = describeResource(new analyzerProto.AnalyzerResource(), resource);
    message.setParent(resource.parent ?? "");
    message.setDependenciesList(resource.dependencies);
    const dependencies = message.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        const entry = new analyzerProto.AnalyzerPropertyDependencies();
        entry.setUrnsList(urns);
        dependencies.set(key, entry);
    }
    return message;
}

function readResponse(response: analyzerProto.AnalyzeResponse): AnalyzeResult {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()],
            urn: d.getUrn(),
        })),
        notApplicable: response.getNotApplicableList().map((n) => ({
            policyName: n.getPolicyName(),
            reason: n.getReason(),
        })),
    };
}

/** Asks the child to stop, and kills it if it has not within a second. */
function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
        child.once("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

/** The children started here that are still running, so that none outlives this process. */
const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => child.kill("SIGKILL")));

/**
 * Starts a policy pack as the Pulumi CLI does: `node ./node_modules/@pulumi/pulumi/cmd/
 * run-policy-pack <engine-address> .` in the pack directory (the `pulumi-analyzer-policy`
 * shim), with the stack's config in the environment; reads the port the pack prints as its
 * first line of output, and connects to it.
 */
export async function startPolicyPack(options: StartPolicyPackOptions): Promise<PolicyPack> {
    const packDir = path.resolve(options.packDir);
    const logs: PackLog[] = [];
    const record = (log: PackLog) => {
        logs.push(log);
        options.onLog?.(log);
    };
    const engine = await startEngineService(record);

    const child = spawn(
        process.execPath,
        ["./node_modules/@pulumi/pulumi/cmd/run-policy-pack", engine.address, "."],
        {
            cwd: packDir,
            env: packEnvironment(options, engine.address),
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    running.add(child);
    child.once("exit", () => running.delete(child));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    forwardLines(child.stderr, (line) =>
        record({ source: "stderr", severity: "error", message: line }),
    );

    let port: number;
    try {
        port = await readPort(child, options.startTimeoutMs ?? 60000, () => stderr);
    } catch (err) {
        await stopChild(child);
        engine.server.forceShutdown();
        throw err;
    }
    forwardLines(child.stdout, (line) =>
        record({ source: "stdout", severity: "info", message: line }),
    );

    const address = `127.0.0.1:${port}`;
    const client = new analyzerRpc.AnalyzerClient(address, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + 10000, (err) => (err ? reject(err) : resolve())),
    ).catch(async (err: Error) => {
        client.close();
        await stopChild(child);
        engine.server.forceShutdown();
        throw new PolicyPackStartError(`the pack did not answer on ${address}: ${err.message}`);
    });
    return new PolicyPack(client, child, engine.server, address, logs);
}

/** The stack a program was run for, as the engine would know it. */
export interface StackContext {
    project: string;
    stack: string;
    /** Fully qualified config; `<package>:<key>` entries configure default providers. */
    config?: Record<string, string>;
    secretKeys?: string[];
}

/** Seconds in a Go duration such as `10m` or `1h30m`, as the engine reads custom timeouts. */
function durationSeconds(text: string): number {
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
        total += Number(amount) * units[unit];
    }
    return total;
}

/**
 * The inputs the engine gives a package's default provider: that package's stack config.
 *
 * Limitation: a JSON object or list in config is handed on parsed and anything else as text;
 * the engine's typed config may give a number or a boolean where this gives its text.
 */
function defaultProviderInputs(pkg: string, version: string | undefined, context: StackContext) {
    const inputs: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(context.config ?? {})) {
        if (!key.startsWith(`${pkg}:`)) {
            continue;
        }
        let value: unknown = text;
        if (/^\s*[[{]/.test(text)) {
            try {
                value = JSON.parse(text);
            } catch {
                value = text;
            }
        }
        const secret = context.secretKeys?.includes(key);
        inputs[key.slice(pkg.length + 1)] = secret ? { [SIG_KEY]: SECRET_SIG, value } : value;
    }
    if (version) {
        inputs.version = version;
    }
    return inputs;
}

/** `urn::id` → urn. */
function providerUrn(reference: string): string {
    const split = reference.lastIndexOf("::");
    return split < 0 ? reference : reference.slice(0, split);
}

/** The last type in a URN's qualified type (`parent$child` → `child`). */
function urnType(urn: string): string {
    const parts = urn.split("::");
    return (parts[2] ?? "").split("$").pop() ?? "";
}

function urnName(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/**
 * Turns what a program registered into what the engine sends a policy pack. Each custom
 * resource gets its provider: the explicit one it names, with that provider's inputs, or else
 * the default provider of its package (`pulumi:providers:<package>`), which the engine creates
 * from the stack's `<package>:*` config. Default providers are resources of the stack too and
 * come first, as the engine registers them before their first user.
 */
export function toAnalyzerResources(
    resources: RegisteredResource[],
    context: StackContext,
): AnalyzerResource[] {
    // Limitation: properties are the program's raw inputs. Under `pulumi preview` the engine
    // sends inputs after the provider's Check has filled in defaults (a published port's `ip`
    // becomes 0.0.0.0), so a policy must read an absent value as its default to agree here.
    // Limitation: the root `pulumi:pulumi:Stack` resource is not sent, because the mock run
    // registers none; top-level resources have no parent.
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const defaults = new Map<string, AnalyzerResource>();
    const result: AnalyzerResource[] = [];

    const describe = (r: RegisteredResource, provider?: AnalyzerProvider): AnalyzerResource => {
        const options = r.options;
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            properties: r.inputs,
            options: {
                parent: r.parent,
                protect: options?.protect ?? false,
                ignoreChanges: options?.ignoreChanges ?? [],
                deleteBeforeReplace: options?.deleteBeforeReplace,
                additionalSecretOutputs: options?.additionalSecretOutputs ?? [],
                aliases: options?.aliases ?? [],
                customTimeouts: {
                    create: durationSeconds(options?.customTimeouts.create ?? ""),
                    update: durationSeconds(options?.customTimeouts.update ?? ""),
                    delete: durationSeconds(options?.customTimeouts.delete ?? ""),
                },
            },
            provider,
            parent: r.parent,
            dependencies: r.dependencies,
            // The engine leaves out properties that depend on nothing.
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0),
            ),
        };
    };

    const defaultProvider = (r: RegisteredResource): AnalyzerProvider => {
        const pkg = r.type.split(":")[0];
        const name = r.version ? `default_${r.version.replace(/[.\-+]/g, "_")}` : "default";
        const type = `pulumi:providers:${pkg}`;
        const urn = `urn:pulumi:${context.stack}::${context.project}::${type}::${name}`;
        let resource = defaults.get(urn);
        if (!resource) {
            resource = describe({
                urn,
                type,
                name,
                custom: true,
                inputs: defaultProviderInputs(pkg, r.version, context),
                dependencies: [],
                propertyDependencies: {},
            });
            defaults.set(urn, resource);
            result.push(resource);
        }
        return { urn, type, name, properties: resource.properties };
    };

    for (const r of resources) {
        let provider: AnalyzerProvider | undefined;
        if (r.custom && !r.type.startsWith("pulumi:providers:")) {
            if (r.provider) {
                const urn = providerUrn(r.provider);
                const registered = byUrn.get(urn);
                provider = {
                    urn,
                    type: registered?.type ?? urnType(urn),
                    name: registered?.name ?? urnName(urn),
                    properties: registered?.inputs ?? {},
                };
            } else {
                provider = defaultProvider(r);
            }
        }
        result.push(describe(r, provider));
    }
    return result;
}

/** A violation with the resource it concerns, as the CLI shows it after a preview. */
export interface Violation extends Diagnostic {
    /** Which call reported it: a resource policy (`Analyze`) or a stack policy. */
    from: "resource" | "stack";
}

/**
 * Runs every resource through `Analyze`, all at once as the engine does during a preview, and
 * then the whole stack through `AnalyzeStack`. A resource policy's diagnostic names no URN; the
 * engine attributes it to the resource analyzed, and so is it here.
 *
 * Limitation: `Remediate` is not called. A policy at level `remediate` is reported by the pack
 * as mandatory when it finds a violation, as the engine reports it when the fix did not take;
 * what the fix would have changed is not shown.
 */
export async function analyzeAll(
    pack: PolicyPack,
    resources: AnalyzerResource[],
): Promise<{ violations: Violation[]; skipped: Skipped[] }> {
    const perResource = await Promise.all(
        resources.map(async (resource) => {
            const { diagnostics, notApplicable } = await pack.analyze(resource);
            return {
                violations: diagnostics.map((d): Violation => ({
                    ...d,
                    urn: d.urn || resource.urn,
                    from: "resource",
                })),
                skipped: notApplicable.map((n) => ({ ...n, urn: resource.urn })),
            };
        }),
    );
    const stack = await pack.analyzeStack(resources);
    return {
        violations: [
            ...perResource.flatMap((r) => r.violations),
            ...stack.diagnostics.map((d): Violation => ({ ...d, from: "stack" })),
        ],
        skipped: [
            ...perResource.flatMap((r) => r.skipped),
            ...stack.notApplicable.map((n) => ({ ...n, urn: "" })),
        ],
    };
}
