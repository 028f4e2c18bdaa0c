/**
 * `npm run policy:check -- --stack dev`: the policy pack's verdict on a stack without the
 * Pulumi CLI, a backend or credentials. See `--help`.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { Violation } from "./lib/analyzer";
import { CheckError, resolveProject, runCheck, type CheckReport } from "./lib/check";
import { SETTLE_MS } from "./lib/mock-run";

const ROOT = path.resolve(__dirname, "..");

const HELP = `Usage: npm run policy:check -- [options]

Runs a Pulumi TypeScript program for one stack under the Pulumi SDK's mock monitor (no Pulumi
CLI, no backend, no cloud credentials) and checks every resource it registers, and the whole
stack, with the policy pack, started as \`pulumi preview --policy-pack\` starts it.

Options:
  --stack NAME          the stack; its config is Pulumi.NAME.yaml beside the project's
                        Pulumi.yaml (default: dev)
  --config-file FILE    use this stack file instead (any Pulumi.<stack>.yaml)
  --program FILE|DIR    another Pulumi TypeScript program: an entry file, or a project
                        directory with a Pulumi.yaml (default: this project, index.ts)
  --policy-config FILE  policy config, in the format of \`pulumi preview --policy-pack-config\`:
                        {"all": "advisory", "<policy>": {"enforcementLevel": ..., ...}}
  --policy-pack DIR     the policy pack (default: policies/ of this project)
  --json                print a machine-readable report on stdout instead
  --evaluate-only       run the program under mocks without the pack (for timing)
  -h, --help            show this help

Exit status: 0 no mandatory violation, 1 at least one mandatory violation, 2 the program or
its config failed (the message names the key or the file), 3 the policy pack failed.

What it cannot see:
  - provider-side behaviour: defaults a provider fills in, what it does on create, and
    drift; the pack sees the program's inputs, not what a provider would make of them
  - values only known after apply (ids, computed outputs): they are unknown here, as in a
    preview, and a policy that needs one reports that it could not run (advisory)
  - secrets it cannot decrypt: every \`secure:\` value in the stack file is replaced by a
    clearly marked placeholder, so a policy reading one sees the placeholder
  - objects rendered by a component: a v1 Helm chart (helm.v3.Chart), v1 yaml.ConfigFile,
    yaml.ConfigGroup and kustomize.Directory render nothing under mocks; the report names
    them, and only a real preview checks what they create
  - resources registered more than ${SETTLE_MS} ms after the one before (a long timer): the
    check fails when one arrives while the pack runs, but may end before it does
`;

interface Arguments {
    stack?: string;
    configFile?: string;
    program?: string;
    policyConfig?: string;
    policyPack?: string;
    json: boolean;
    evaluateOnly: boolean;
    help: boolean;
}

function parseArguments(argv: string[]): Arguments {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            stack: { type: "string" },
            "config-file": { type: "string" },
            program: { type: "string" },
            "policy-config": { type: "string" },
            "policy-pack": { type: "string" },
            json: { type: "boolean", default: false },
            "evaluate-only": { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    return {
        stack: values.stack,
        configFile: values["config-file"],
        program: values.program,
        policyConfig: values["policy-config"],
        policyPack: values["policy-pack"],
        json: values.json ?? false,
        evaluateOnly: values["evaluate-only"] ?? false,
        help: values.help ?? false,
    };
}

/** The stack name in a file named `Pulumi.<stack>.yaml`. */
function stackOfFile(file: string): string | undefined {
    return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

function resolveStack(args: Arguments, projectDir: string, hasProjectFile: boolean) {
    if (args.configFile) {
        const configFile = path.resolve(args.configFile);
        return { stack: args.stack ?? stackOfFile(configFile) ?? "dev", configFile };
    }
    const stack = args.stack ?? "dev";
    const configFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(configFile)) {
        return { stack, configFile };
    }
    if (args.stack && hasProjectFile) {
        throw new CheckError("config", `no stack file ${configFile} for stack '${stack}'`);
    }
    // A lone program, or no stack named: checked without stack config.
    return { stack, configFile: undefined };
}

function levelCounts(violations: Violation[]) {
    return {
        mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    };
}

function relative(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith("..") ? rel : file;
}

/** The `--json` report. */
function jsonReport(report: CheckReport, exitCode: number) {
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    return {
        program: report.program,
        project: report.project,
        stack: report.stack,
        configFile: report.configFile ?? null,
        placeholders: report.placeholders,
        policyPack: report.policyPack ?? null,
        resources: report.resources,
        unrendered: report.unrendered,
        violations: report.violations.map((v) => ({
            policy: v.policyName,
            level: v.enforcementLevel,
            resource: v.urn || null,
            resourceType: byUrn.get(v.urn)?.type ?? null,
            resourceName: byUrn.get(v.urn)?.name ?? null,
            message: v.message,
            description: v.description,
        })),
        skipped: report.skipped.map((n) => ({
            policy: n.policyName,
            resource: n.urn || null,
            reason: n.reason,
        })),
        summary: { resources: report.resources.length, ...levelCounts(report.violations) },
        timings: report.timings,
        exitCode,
    };
}

function indent(text: string, by: string): string {
    return text
        .split("\n")
        .map((line) => by + line)
        .join("\n");
}

/** Violations grouped by the resource they concern, stack-wide ones last. */
function humanReport(report: CheckReport): string {
    const lines: string[] = [];
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const groups = new Map<string, Violation[]>();
    for (const violation of report.violations) {
        const key = violation.urn || "";
        groups.set(key, [...(groups.get(key) ?? []), violation]);
    }
    const order = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : 0));
    for (const urn of order) {
        const resource = byUrn.get(urn);
        lines.push("");
        lines.push(
            urn === ""
                ? "the stack as a whole"
                : resource
                  ? `${resource.type}  ${resource.name}`
                  : urn,
        );
        if (resource) {
            lines.push(`  ${urn}`);
        }
        for (const v of groups.get(urn) ?? []) {
            lines.push(`  [${v.enforcementLevel}] ${v.policyName}`);
            lines.push(indent(v.message.trim(), "      "));
        }
    }
    if (report.skipped.length > 0) {
        lines.push("");
        lines.push("not applied (exemptions and policies that could not judge a resource):");
        for (const skipped of report.skipped) {
            const resource = byUrn.get(skipped.urn);
            const where = resource ? `${resource.type}  ${resource.name}` : "the stack";
            lines.push(`  ${skipped.policyName} on ${where}: ${skipped.reason}`);
        }
    }
    for (const warning of report.programWarnings) {
        lines.push(`program warning: ${warning.message}`);
    }
    if (report.unrendered.length > 0) {
        lines.push("");
        lines.push(
            "not rendered under mocks (only a real preview checks the objects these create):",
        );
        for (const resource of report.unrendered) {
            lines.push(`  ${resource.type}  ${resource.name}`);
        }
    }
    const { mandatory, advisory } = levelCounts(report.violations);
    lines.push("");
    lines.push(
        `${report.resources.length} resources checked: ${mandatory} mandatory, ` +
            `${advisory} advisory violation${advisory === 1 ? "" : "s"}`,
    );
    return lines.join("\n");
}

/**
 * Where the report goes. With `--json`, everything else written to stdout (what the program
 * prints among it) goes to stderr, so that stdout is the one JSON document.
 */
function reportStream(json: boolean): (text: string) => void {
    const write = process.stdout.write.bind(process.stdout);
    if (json) {
        process.stdout.write = process.stderr.write.bind(process.stderr);
    }
    return (text) => write(`${text}\n`);
}

function fail(error: CheckError, emit: ((text: string) => void) | undefined): number {
    const code = error.kind === "pack" ? 3 : 2;
    const lines = error.message.split("\n").filter((line) => line.trim());
    for (const line of lines) {
        console.error(`policy:check: ${line}`);
    }
    emit?.(JSON.stringify({ error: { kind: error.kind, message: error.message }, exitCode: code }));
    return code;
}

async function main(argv: string[]): Promise<number> {
    let args: Arguments;
    try {
        args = parseArguments(argv);
    } catch (err) {
        console.error(`policy:check: ${(err as Error).message} (see --help)`);
        return 2;
    }
    if (args.help) {
        console.log(HELP);
        return 0;
    }
    const progress = (message: string) => console.error(message);
    const emit = reportStream(args.json);

    try {
        const program = path.resolve(args.program ?? ROOT);
        const project = resolveProject(program);
        const { stack, configFile } = resolveStack(args, project.dir, project.file !== undefined);
        const packDir = path.resolve(args.policyPack ?? path.join(ROOT, "policies"));
        progress(
            `policy:check: program ${relative(project.main)} (project ${project.name}), ` +
                `stack ${stack}` +
                (configFile ? ` (${relative(configFile)})` : " (no stack config)") +
                (args.evaluateOnly ? ", under mocks only" : `, policy pack ${relative(packDir)}`),
        );

        const report = await runCheck({
            program,
            stack,
            configFile,
            packDir,
            policyConfigFile: args.policyConfig && path.resolve(args.policyConfig),
            evaluateOnly: args.evaluateOnly,
            onProgress: progress,
        });
        if (report.placeholders.length > 0) {
            progress(
                `  encrypted values replaced by placeholders: ${report.placeholders.join(", ")}`,
            );
        }
        if (report.policyPack) {
            const { name, version, policies } = report.policyPack;
            progress(
                `  ${name} ${version}: ${policies} policies; ` +
                    `program ${report.timings.programMs} ms, ` +
                    `pack start ${report.timings.packStartMs} ms, ` +
                    `analysis ${report.timings.analyzeMs} ms`,
            );
        }
        const exitCode = levelCounts(report.violations).mandatory > 0 ? 1 : 0;
        emit(
            args.json ? JSON.stringify(jsonReport(report, exitCode), null, 2) : humanReport(report),
        );
        return exitCode;
    } catch (err) {
        if (err instanceof CheckError) {
            return fail(err, args.json ? emit : undefined);
        }
        throw err;
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        console.error(`policy:check: unexpected failure: ${err.message}`);
        process.exit(3);
    },
);
