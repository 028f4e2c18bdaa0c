import { spawnSync } from "child_process";
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import {
    analyzeAll,
    startPolicyPack,
    toAnalyzerResources,
    type AnalyzerInfo,
    type EnforcementLevel,
    type PolicyConfig,
    type PolicyPack,
    type Skipped,
    type Violation,
} from "./analyzer";
import {
    runProgramUnderMocks,
    SETTLE_MS,
    watchProgram,
    type ProgramLog,
    type ProgramWatch,
    type RegisteredResource,
} from "./mock-run";
import {
    applyProjectConfig,
    parseProjectConfig,
    readStackConfig,
    StackFileError,
    type ProjectConfig,
    type StackConfig,
} from "./stack-config";

/** Why a check could not give a verdict; `config` and `program` exit 2, `pack` exits 3. */
export class CheckError extends Error {
    constructor(
        readonly kind: "config" | "program" | "pack",
        message: string,
    ) {
        super(message);
    }
}

/** A Pulumi project: where it lives, its name, and the file the language host would run. */
export interface Project {
    dir: string;
    name: string;
    main: string;
    /** The project file, when there is one. */
    file?: string;
    /** What Pulumi.yaml's `config:` block declares: defaults and required keys. */
    config: ProjectConfig;
}

/** A parser's message without the excerpt of the file it adds below its first line. */
function firstLine(message: string): string {
    return message.split("\n")[0].replace(/:$/, "");
}

function readYaml(file: string): unknown {
    try {
        return YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new CheckError(
            "config",
            `${file} is not valid YAML: ${firstLine((err as Error).message)}`,
        );
    }
}

/** Pulumi.yaml's `config:` block, with its errors in this command's terms. */
function projectConfig(block: unknown, project: string, file: string): ProjectConfig {
    try {
        return parseProjectConfig(block, project, file);
    } catch (err) {
        if (err instanceof StackFileError) {
            throw new CheckError("config", err.message);
        }
        throw err;
    }
}

/** The nearest directory at or above `dir` that holds a Pulumi.yaml. */
function findProjectFile(dir: string): string | undefined {
    for (let current = dir; ; current = path.dirname(current)) {
        const candidate = path.join(current, "Pulumi.yaml");
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        if (path.dirname(current) === current) {
            return undefined;
        }
    }
}

/**
 * Finds the project a program belongs to. A directory is a project (its Pulumi.yaml `main`,
 * else index.ts); a file belongs to the nearest Pulumi.yaml above it, and a lone file with
 * none is a project of its own named after the file.
 */
export function resolveProject(program: string): Project {
    const target = path.resolve(program);
    if (!fs.existsSync(target)) {
        throw new CheckError("config", `no program at ${target}`);
    }
    const isDir = fs.statSync(target).isDirectory();
    const file = isDir
        ? fs.existsSync(path.join(target, "Pulumi.yaml"))
            ? path.join(target, "Pulumi.yaml")
            : undefined
        : findProjectFile(path.dirname(target));
    if (!file) {
        if (isDir) {
            throw new CheckError("config", `${target} has no Pulumi.yaml`);
        }
        const name = path.basename(target).replace(/\.[^.]+$/, "");
        return {
            dir: path.dirname(target),
            name,
            main: target,
            config: { defaults: {}, required: [] },
        };
    }
    const doc = (readYaml(file) ?? {}) as { name?: unknown; main?: unknown; config?: unknown };
    if (typeof doc.name !== "string" || !doc.name) {
        throw new CheckError("config", `${file} has no 'name:'`);
    }
    const dir = path.dirname(file);
    let main = target;
    if (isDir) {
        main = path.resolve(dir, typeof doc.main === "string" ? doc.main : ".");
        if (fs.existsSync(main) && fs.statSync(main).isDirectory()) {
            const entry = ["index.ts", "index.js"].find((f) => fs.existsSync(path.join(main, f)));
            if (!entry) {
                throw new CheckError("config", `${main} has no index.ts or index.js`);
            }
            main = path.join(main, entry);
        }
    }
    return {
        dir,
        name: doc.name,
        main,
        file,
        config: projectConfig(doc.config, doc.name, file),
    };
}

/** The newest modification time of the files under `dir` that `wanted` picks. */
function newestFile(dir: string, wanted: (name: string) => boolean, skip: string[] = []): number {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.name.startsWith(".") || skip.includes(full)) {
            continue;
        }
        if (entry.isDirectory()) {
            newest = Math.max(newest, newestFile(full, wanted, skip));
        } else if (wanted(entry.name)) {
            newest = Math.max(newest, fs.statSync(full).mtimeMs);
        }
    }
    return newest;
}

/**
 * The CLI runs a pack from its package.json `main`. When that is compiled JavaScript older
 * than the sources (or missing), compiles the pack with its own TypeScript first, so the check
 * sees the policies as they are written and start-up skips type-checking at run time.
 */
export function ensurePackCompiled(packDir: string, onProgress: (m: string) => void): boolean {
    const manifest = path.join(packDir, "package.json");
    if (!fs.existsSync(manifest)) {
        throw new CheckError("pack", `no policy pack at ${packDir} (package.json missing)`);
    }
    const main = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: string }).main;
    if (!main || !/\.js$/.test(main)) {
        return false;
    }
    // An incremental build rewrites only what changed, so the newest output is what counts.
    const outDir = path.dirname(path.resolve(packDir, main));
    const built = fs.existsSync(path.resolve(packDir, main))
        ? newestFile(outDir, (name) => name.endsWith(".js"))
        : 0;
    const skip = ["node_modules", "bin"].map((name) => path.join(packDir, name)).concat(outDir);
    const sources = newestFile(
        packDir,
        (name) => name.endsWith(".ts") || name === "tsconfig.json",
        skip,
    );
    if (built >= sources) {
        return false;
    }
    onProgress(`compiling the policy pack (${path.relative(process.cwd(), packDir) || "."})…`);
    const tsc = path.join(packDir, "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", packDir], { encoding: "utf8" });
    if (result.status !== 0) {
        const output = `${result.stdout}${result.stderr}`.trim();
        throw new CheckError("pack", `the policy pack does not compile:\n${output}`);
    }
    return true;
}

const LEVEL_NAMES: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Each policy's config for `Configure`, as the CLI builds it: the policy's own level, then the
 * pack's initial config, then the file given with `--policy-config` (the CLI's
 * `--policy-pack-config` format: `{"all": level, "<policy>": level | {enforcementLevel, …}}`),
 * checked against each policy's schema.
 */
export function resolvePolicyConfig(
    info: AnalyzerInfo,
    file?: string,
): Record<string, PolicyConfig> {
    let given: Record<string, unknown> = {};
    if (file) {
        try {
            given = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        } catch (err) {
            throw new CheckError("config", `${file}: ${(err as Error).message}`);
        }
        if (typeof given !== "object" || given === null || Array.isArray(given)) {
            throw new CheckError("config", `${file} must hold a JSON object`);
        }
    }
    const asEntry = (key: string, value: unknown): Partial<PolicyConfig> => {
        if (typeof value === "string") {
            value = { enforcementLevel: value };
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw new CheckError("config", `${file}: '${key}' must be a level or an object`);
        }
        const { enforcementLevel, ...properties } = value as Record<string, unknown>;
        if (enforcementLevel !== undefined && !LEVEL_NAMES.includes(enforcementLevel as never)) {
            throw new CheckError(
                "config",
                `${file}: '${key}.enforcementLevel' must be one of ${LEVEL_NAMES.join(", ")}`,
            );
        }
        return { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
    };

    const known = new Set(info.policies.map((p) => p.name));
    for (const key of Object.keys(given)) {
        if (key !== "all" && !known.has(key)) {
            throw new CheckError("config", `${file}: '${key}' is not a policy of ${info.name}`);
        }
    }
    const all = given.all === undefined ? {} : asEntry("all", given.all);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const result: Record<string, PolicyConfig> = {};
    for (const policy of info.policies) {
        const initial = info.initialConfig[policy.name] ?? {};
        const own =
            given[policy.name] === undefined ? {} : asEntry(policy.name, given[policy.name]);
        const properties = { ...initial.properties, ...own.properties };
        const level =
            own.enforcementLevel ??
            all.enforcementLevel ??
            initial.enforcementLevel ??
            policy.enforcementLevel;
        if (policy.configSchema) {
            const validate = ajv.compile({ type: "object", ...policy.configSchema });
            if (!validate(properties)) {
                const problem = validate.errors?.[0];
                const where = `${policy.name}${problem?.instancePath.replace(/\//g, ".") ?? ""}`;
                throw new CheckError(
                    "config",
                    `${file ?? "policy config"}: '${where}' ${problem?.message ?? "is invalid"}`,
                );
            }
        }
        result[policy.name] = { enforcementLevel: level, properties };
    }
    return result;
}

/**
 * Lets a program outside this project (a handed case, an app team's file without its own
 * node_modules) resolve the Pulumi SDK and providers from this project, as jest's modulePaths
 * does in the tests.
 *
 * Limitation: a program with its own node_modules loads its own copy of the SDK, while the
 * mocks are set on this project's copy; the SDK keeps its state on the global object, so that
 * works while the two copies agree on that state, which very different versions may not.
 */
function shareProjectModules(programDir: string, projectModules: string): void {
    try {
        require.resolve("@pulumi/pulumi", { paths: [programDir] });
        return;
    } catch {
        // Not resolvable from there: fall back to this project's node_modules.
    }
    const current = process.env.NODE_PATH ? process.env.NODE_PATH.split(path.delimiter) : [];
    process.env.NODE_PATH = [...current, projectModules].join(path.delimiter);
    (Module as unknown as { _initPaths(): void })._initPaths();
}

export interface CheckOptions {
    /** The program: an entry file or a project directory. */
    program: string;
    stack: string;
    /** The stack file; absent means a check without config. */
    configFile?: string;
    packDir: string;
    policyConfigFile?: string;
    /** Run the program under mocks only, without the pack. */
    evaluateOnly?: boolean;
    onProgress?: (message: string) => void;
}

export interface CheckedResource {
    urn: string;
    type: string;
    name: string;
}

/**
 * Component resources of `@pulumi/kubernetes` whose objects are rendered by the program (v1
 * Helm charts, YAML and Kustomize, through invokes the mocks do not answer) or by the provider
 * (v2 ConfigFile and Directory, whose inputs name files the pack does not read).
 */
const RENDERING_TYPES = new Set([
    "kubernetes:helm.sh/v2:Chart",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml:ConfigGroup",
    "kubernetes:kustomize:Directory",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:kustomize/v2:Directory",
]);

/**
 * The resources of a rendering type that registered no child: what they would create is not
 * rendered under mocks, so it is checked only under a real preview.
 *
 * Limitation: their objects are not checked here; `policy:check` names them in its report.
 */
export function unrenderedResources(resources: RegisteredResource[]): CheckedResource[] {
    const parents = new Set(resources.map((r) => r.parent));
    return resources
        .filter((r) => RENDERING_TYPES.has(r.type) && !parents.has(r.urn))
        .map(({ urn, type, name }) => ({ urn, type, name }));
}

export interface CheckReport {
    program: string;
    project: string;
    stack: string;
    configFile?: string;
    /** Config keys whose encrypted value was replaced by a placeholder. */
    placeholders: string[];
    policyPack?: { name: string; version: string; dir: string; policies: number };
    resources: CheckedResource[];
    /** Components whose objects are not rendered under mocks (see {@link unrenderedResources}). */
    unrendered: CheckedResource[];
    violations: Violation[];
    /** Policies that did not apply to a resource, with their reasons (exemptions among them). */
    skipped: Skipped[];
    /** What the program logged as warnings (errors fail the check). */
    programWarnings: ProgramLog[];
    timings: { programMs: number; packStartMs?: number; analyzeMs?: number };
}

/**
 * The config a program sees: Pulumi.yaml's defaults, then the stack file.
 *
 * Limitation: only the files are read. An ESC `environment:` that a stack file imports, and
 * config held only in the backend, are not seen, and `secure:` values become placeholders.
 */
function loadConfig(options: CheckOptions, project: Project): StackConfig {
    try {
        const stack = options.configFile
            ? readStackConfig(options.configFile, project.name)
            : { config: {}, secretKeys: [], placeholders: [] };
        const label = options.configFile ? path.basename(options.configFile) : "the program";
        return applyProjectConfig(stack, project.config, label);
    } catch (err) {
        if (err instanceof StackFileError) {
            throw new CheckError("config", firstLine(err.message));
        }
        throw err;
    }
}

/** A path as a person reads it here: relative below the working directory, else absolute. */
function shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith("..") ? relative : file;
}

/** The first place in a stack trace that is the user's code (not a package, not tools/). */
function userFrame(stack: string | undefined): string | undefined {
    for (const line of (stack ?? "").split("\n").slice(1)) {
        const match = /(?:\(|\s)(\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):\d+\)?$/.exec(line);
        const file = match?.[1];
        if (file && !file.includes(`${path.sep}node_modules${path.sep}`)) {
            if (!file.startsWith(path.resolve(__dirname, "..") + path.sep)) {
                return `${shown(file)}:${match[2]}`;
            }
        }
    }
    return undefined;
}

/** A user error (`pulumi.RunError`), from any copy of the SDK. */
function isRunError(error: Error): boolean {
    return (error as { __pulumiRunError?: boolean }).__pulumiRunError === true;
}

/**
 * A config failure the program raised: its own `ConfigError` (a `pulumi.RunError` by that
 * name) or one of the SDK's `Config*Error`s, as `Config.require` throws.
 */
function isConfigError(error: Error): boolean {
    const names = [error.name, error.constructor?.name];
    return isRunError(error) && names.some((name) => /^Config\w*Error$/.test(name ?? ""));
}

/**
 * The failure of a program: a `config` failure when its config check (or the SDK's) raised it.
 * A user error (`pulumi.RunError`, as the program's config check throws) is shown whole;
 * anything else is one line naming the program and, where the stack trace shows it, the line
 * of the program that failed. A hint is added when a placeholder is what it tripped on.
 */
function programFailure(error: Error, placeholders: string[], program: string): CheckError {
    let message = error.message.trim() || String(error);
    if (!isRunError(error)) {
        const where = userFrame(error.stack);
        message =
            `${shown(program)} failed: ${firstLine(message)}` + (where ? ` (at ${where})` : "");
    }
    const tripped = placeholders.filter((key) => message.includes(key));
    const hint = tripped.length
        ? `\n(${tripped.join(", ")}: encrypted in the stack file and replaced by a placeholder,` +
          " because it cannot be decrypted here)"
        : "";
    return new CheckError(isConfigError(error) ? "config" : "program", `${message}${hint}`);
}

/** What the program did after its run seemed over, while the pack was checking, if anything. */
function lateFailure(watch: ProgramWatch, lateResources: number): Error | undefined {
    if (watch.failures.length > 0 || lateResources === 0) {
        return watch.failures[0];
    }
    const resources = lateResources === 1 ? "1 resource" : `${lateResources} resources`;
    return new Error(
        `registered ${resources} after ${SETTLE_MS} ms without one, too late to be checked`,
    );
}

/**
 * Runs a program under mocks with a stack's config and, unless only evaluating, drives the
 * policy pack over everything it registered. The pack starts while the program runs.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
    const progress = options.onProgress ?? (() => undefined);
    const project = resolveProject(options.program);
    const stackConfig = loadConfig(options, project);
    const packDir = path.resolve(options.packDir);

    let packStarting: Promise<{ pack: PolicyPack; ms: number }> | undefined;
    if (!options.evaluateOnly) {
        ensurePackCompiled(packDir, progress);
        const started = Date.now();
        packStarting = startPolicyPack({
            packDir,
            project: project.name,
            stack: options.stack,
            config: stackConfig.config,
        }).then(
            (pack) => ({ pack, ms: Date.now() - started }),
            (err: Error) => {
                throw new CheckError("pack", err.message);
            },
        );
        // Observed here so that a failing start is not an unhandled rejection while the
        // program runs; the error is raised again below.
        packStarting.catch(() => undefined);
        progress("starting the policy pack while the program runs under mocks…");
    }

    const closePack = async () => (await packStarting?.catch(() => undefined))?.pack.close();
    let afterRun: ProgramWatch | undefined;
    try {
        shareProjectModules(
            path.dirname(project.main),
            path.resolve(__dirname, "../../node_modules"),
        );
        const programStarted = Date.now();
        const run = await runProgramUnderMocks({
            program: project.main,
            project: project.name,
            stack: options.stack,
            config: stackConfig.config,
            secretKeys: stackConfig.secretKeys,
        });
        const programMs = Date.now() - programStarted;
        // What the program still does while the pack checks it fails the check too.
        afterRun = watchProgram();
        const registeredInRun = run.resources.length;
        const loggedError = run.logs.find((log) => log.severity === "error");
        if (run.error || loggedError) {
            throw programFailure(
                run.error ?? new Error(loggedError?.message),
                stackConfig.placeholders,
                project.main,
            );
        }

        const context = {
            project: project.name,
            stack: options.stack,
            config: stackConfig.config,
            secretKeys: stackConfig.secretKeys,
        };
        const resources = toAnalyzerResources(run.resources, context);
        const report: CheckReport = {
            program: project.main,
            project: project.name,
            stack: options.stack,
            configFile: options.configFile && path.resolve(options.configFile),
            placeholders: stackConfig.placeholders,
            resources: resources.map(({ urn, type, name }) => ({ urn, type, name })),
            unrendered: unrenderedResources(run.resources),
            violations: [],
            skipped: [],
            programWarnings: run.logs.filter((log) => log.severity === "warning"),
            timings: { programMs },
        };
        if (!packStarting) {
            return report;
        }

        const { pack, ms } = await packStarting;
        const analyzeStarted = Date.now();
        const info = await pack.getAnalyzerInfo();
        await pack.configureStack({ ...context, dryRun: true });
        await pack.configure(resolvePolicyConfig(info, options.policyConfigFile));
        const verdict = await analyzeAll(pack, resources);
        report.violations = verdict.violations;
        report.skipped = verdict.skipped;
        report.policyPack = {
            name: info.name,
            version: info.version,
            dir: packDir,
            policies: info.policies.length,
        };
        report.timings.packStartMs = ms;
        report.timings.analyzeMs = Date.now() - analyzeStarted;
        const late = lateFailure(afterRun, run.resources.length - registeredInRun);
        if (late) {
            throw programFailure(late, stackConfig.placeholders, project.main);
        }
        return report;
    } catch (err) {
        if (err instanceof CheckError) {
            throw err;
        }
        throw new CheckError("pack", (err as Error).message);
    } finally {
        afterRun?.stop();
        await closePack();
    }
}
