/**
 * `npm run policy:check` end to end, as a user runs it: a child process, its exit status and
 * what it prints.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    caseFiles,
    exportedPolicyNames,
    HAVE_CASES,
    NO_CASES_MESSAGE,
    ROOT,
} from "../contract/cases";
import { STACK_FILES, stackName } from "../support/program";

const TS_NODE = path.join(ROOT, "node_modules", "ts-node", "dist", "bin.js");

interface Run {
    status: number;
    stdout: string;
    stderr: string;
}

/** `npm run policy:check -- …args`, without npm: the same ts-node command the script runs. */
function policyCheck(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [TS_NODE, "--transpile-only", "tools/policy-check.ts", ...args],
            { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const status = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                resolve({ status, stdout, stderr });
            },
        );
    });
}

const SUMMARY = /^(\d+) resources checked: (\d+) mandatory, (\d+) advisory violations?$/m;
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

interface JsonReport {
    resources: { urn: string; type: string; name: string }[];
    violations: { policy: string; level: string; resource: string | null; message: string }[];
    summary: { resources: number; mandatory: number; advisory: number };
    placeholders: string[];
    exitCode: number;
}

function checkReportShape(report: JsonReport, status: number) {
    expect(report.resources.length).toBeGreaterThan(0);
    for (const resource of report.resources) {
        expect(resource.urn).toMatch(/^urn:pulumi:/);
        expect(resource.type).not.toBe("");
    }
    const urns = new Set(report.resources.map((r) => r.urn));
    for (const violation of report.violations) {
        expect(["mandatory", "advisory"]).toContain(violation.level);
        expect(violation.message.trim()).not.toBe("");
        if (violation.resource !== null) {
            expect(urns.has(violation.resource)).toBe(true);
        }
    }
    const count = (level: string) => report.violations.filter((v) => v.level === level).length;
    expect(report.summary).toEqual({
        resources: report.resources.length,
        mandatory: count("mandatory"),
        advisory: count("advisory"),
    });
    expect(report.exitCode).toBe(status);
}

let tmp: string;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "f4a-policy-check-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("policy:check --help", () => {
    it("exits 0 and says what the check cannot see", async () => {
        const run = await policyCheck("--help");
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/provider-side behaviour/);
        expect(run.stdout).toMatch(/only known after apply/);
        expect(run.stdout).toMatch(/placeholder/);
        expect(run.stdout).toMatch(/helm\.v3\.Chart.*\n.*render nothing under mocks/);
        for (const option of [
            "--stack",
            "--config-file",
            "--program",
            "--json",
            "--policy-config",
        ]) {
            expect(run.stdout).toContain(option);
        }
    });

    it("an unknown option exits 2 and names it", async () => {
        const run = await policyCheck("--stak", "dev");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("--stak");
    });
});

const describeStacks = STACK_FILES.length > 0 ? describe : describe.skip;
if (STACK_FILES.length === 0) {
    console.warn("skipped: no Pulumi.<stack>.yaml at the repository root yet");
}

describeStacks("policy:check on the stacks this project ships", () => {
    it.each(STACK_FILES.map((f) => [stackName(f)]))(
        "--stack %s exits 0 with a summary of no mandatory violation",
        async (stack) => {
            const run = await policyCheck("--stack", stack);
            expect(run.stderr).toContain(`stack ${stack}`);
            expect(run.stdout).toMatch(SUMMARY);
            expect(SUMMARY.exec(run.stdout)?.[2]).toBe("0");
            expect(run.status).toBe(0);
        },
    );

    it("--json on the first stack reports resources, violations and a summary", async () => {
        const run = await policyCheck("--stack", stackName(STACK_FILES[0]), "--json");
        expect(run.status).toBe(0);
        checkReportShape(JSON.parse(run.stdout) as JsonReport, run.status);
    });

    it("an undecryptable secure value becomes a placeholder; the check runs", async () => {
        const doc = YAML.parse(fs.readFileSync(STACK_FILES[0], "utf8")) as {
            config: Record<string, unknown>;
        };
        doc.config["flex4apps:rancherAdminPassword"] = {
            secure: "v1:AAAAAAAAAAAAAAAA:notdecryptable",
        };
        const file = path.join(tmp, "Pulumi.withsecret.yaml");
        fs.writeFileSync(file, YAML.stringify(doc));
        const run = await policyCheck("--config-file", file, "--json");
        const report = JSON.parse(run.stdout) as JsonReport;
        expect(report.placeholders).toEqual(["flex4apps:rancherAdminPassword"]);
        expect(run.status).toBe(0);
    });

    it("a broken value in a stack file exits 2, one line per problem naming the key", async () => {
        const doc = YAML.parse(fs.readFileSync(STACK_FILES[0], "utf8")) as {
            config: Record<string, unknown>;
        };
        doc.config["flex4apps:dockerHosts"] = "not-a-list-of-hosts";
        const file = path.join(tmp, "Pulumi.broken.yaml");
        fs.writeFileSync(file, YAML.stringify(doc));
        const run = await policyCheck("--config-file", file);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("flex4apps:dockerHosts");
        expect(run.stderr).not.toMatch(STACK_TRACE);
        expect(run.stdout).toBe("");
    });

    it("a stack file that is not YAML exits 2 naming the file", async () => {
        const file = path.join(tmp, "Pulumi.notyaml.yaml");
        fs.writeFileSync(file, "config: [\n  unclosed\n");
        const run = await policyCheck("--config-file", file);
        expect(run.status).toBe(2);
        const lastLine = run.stderr.trim().split("\n").pop();
        expect(lastLine).toContain(file);
        expect(lastLine).toContain("not valid YAML");
        // The parser's excerpt of the file (a line with a caret) is left out.
        expect(run.stderr).not.toMatch(/^policy:check: \s*\^$/m);
        expect(run.stderr).not.toMatch(STACK_TRACE);
    });

    it("a stack with no stack file exits 2 naming the file it looked for", async () => {
        const run = await policyCheck("--stack", "no-such-stack");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("Pulumi.no-such-stack.yaml");
    });
});

const describeCases = HAVE_CASES ? describe : describe.skip;
if (!HAVE_CASES) {
    console.warn(NO_CASES_MESSAGE);
}

describeCases("policy:check --program on the handed cases", () => {
    let policies: string[];
    beforeAll(() => {
        policies = exportedPolicyNames();
    });

    it.each(caseFiles("insecure").map((f) => [path.basename(f), f]))(
        "%s exits 1 and names the violated policy",
        async (_name, file) => {
            const run = await policyCheck("--program", file);
            const named = [...run.stdout.matchAll(/^\s+\[mandatory\] (\S+)$/gm)].map((m) => m[1]);
            expect(named.length).toBeGreaterThan(0);
            for (const name of named) {
                expect(policies).toContain(name);
            }
            expect(Number(SUMMARY.exec(run.stdout)?.[2])).toBe(named.length);
            expect(run.status).toBe(1);
        },
    );

    it.each(caseFiles("secure").map((f) => [path.basename(f), f]))(
        "%s exits 0",
        async (_name, file) => {
            const run = await policyCheck("--program", file);
            expect(run.stdout).not.toContain("[mandatory]");
            expect(run.status).toBe(0);
        },
    );

    it("--json on an insecure case lists policy, level, resource, message", async () => {
        const [file] = caseFiles("insecure");
        const run = await policyCheck("--program", file, "--json");
        expect(run.status).toBe(1);
        const report = JSON.parse(run.stdout) as JsonReport;
        checkReportShape(report, run.status);
        const blocking = report.violations.filter((v) => v.level === "mandatory");
        expect(blocking.length).toBeGreaterThan(0);
        for (const violation of blocking) {
            expect(policies).toContain(violation.policy);
        }
    });

    it("--policy-config making every policy advisory lets an insecure case pass", async () => {
        const [file] = caseFiles("insecure");
        const config = path.join(tmp, "all-advisory.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const run = await policyCheck("--program", file, "--policy-config", config, "--json");
        const report = JSON.parse(run.stdout) as JsonReport;
        expect(report.summary.mandatory).toBe(0);
        expect(report.summary.advisory).toBeGreaterThan(0);
        expect(run.status).toBe(0);
    });

    it("--policy-config naming a policy the pack does not have exits 2 naming it", async () => {
        const [file] = caseFiles("secure");
        const config = path.join(tmp, "unknown-policy.json");
        fs.writeFileSync(config, JSON.stringify({ "no-such-policy": "advisory" }));
        const run = await policyCheck("--program", file, "--policy-config", config);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("no-such-policy");
    });
});

describe("policy:check on programs and stacks that go wrong", () => {
    it("a program that throws exits 2 naming it and its line, no stack trace", async () => {
        const program = path.join(tmp, "throws.ts");
        fs.writeFileSync(
            program,
            [
                'import * as docker from "@pulumi/docker";',
                'new docker.Network("n", { name: "n" });',
                'throw new Error("the program gave up");',
            ].join("\n"),
        );
        const run = await policyCheck("--program", program);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(`${program} failed: the program gave up (at ${program}:3)`);
        expect(run.stderr).not.toMatch(STACK_TRACE);
    });

    it("a stack file missing a required key exits 2 naming it, as the CLI does", async () => {
        const file = path.join(tmp, "Pulumi.partial.yaml");
        fs.writeFileSync(file, YAML.stringify({ config: { "flex4apps:domain": "a.test" } }));
        const run = await policyCheck("--config-file", file);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(
            "Pulumi.partial.yaml is missing configuration value 'flex4apps:dockerHosts'",
        );
    });

    it("an exempted resource passes; the report says which policy skipped it, why", async () => {
        const program = path.join(tmp, "lab.ts");
        fs.writeFileSync(
            program,
            [
                'import * as docker from "@pulumi/docker";',
                'new docker.Container("lab-engine", {',
                '    image: "docker:dind",',
                "    ports: [{ internal: 2376, external: 2376 }],",
                "});",
            ].join("\n"),
        );
        const blocked = await policyCheck("--program", program);
        expect(blocked.status).toBe(1);
        expect(blocked.stdout).toContain("docker-engine-api-port-not-public");

        const config = path.join(tmp, "exempt-lab.json");
        const reason = "lab host behind the site firewall";
        fs.writeFileSync(
            config,
            JSON.stringify({
                "docker-engine-api-port-not-public": {
                    exemptions: [{ resource: "lab-*", reason }],
                },
            }),
        );
        const exempted = await policyCheck("--program", program, "--policy-config", config);
        expect(exempted.status).toBe(0);
        expect(exempted.stdout).toContain(`docker-engine-api-port-not-public on`);
        expect(exempted.stdout).toContain(reason);
        const json = await policyCheck("--program", program, "--policy-config", config, "--json");
        const report = JSON.parse(json.stdout) as JsonReport & {
            skipped: { policy: string; resource: string; reason: string }[];
        };
        expect(report.skipped).toContainEqual({
            policy: "docker-engine-api-port-not-public",
            resource: expect.stringContaining("lab-engine"),
            reason: expect.stringContaining(reason),
        });
    });
});

describe("policy:check on programs that go on, or stop, on their own", () => {
    /** Writes a program into the test's directory and returns its path. */
    function program(name: string, lines: string[]): string {
        const file = path.join(tmp, `${name}.ts`);
        fs.writeFileSync(file, ['import * as docker from "@pulumi/docker";', ...lines].join("\n"));
        return file;
    }

    const publicRancher =
        'new docker.Container("rancher", { image: "rancher/rancher:v2.12.3", ' +
        "ports: [{ internal: 443, external: 443 }] });";

    it.each([
        ["an await", ["(async () => {", "    await Promise.resolve();", publicRancher, "})();"]],
        ["a timer", [`setTimeout(() => { ${publicRancher} }, 50);`]],
        [
            "an fs callback",
            ['import * as fs from "fs";', `fs.stat(".", () => { ${publicRancher} });`],
        ],
    ])("a resource registered after %s is checked", async (_when, lines) => {
        const run = await policyCheck("--program", program("late", lines));
        expect(run.stdout).toMatch(/^\s+\[mandatory\] rancher-server-not-public$/m);
        expect(run.status).toBe(1);
    });

    it.each([
        ["in the program's body", ["process.exit(0);"]],
        ["from a timer", ["setTimeout(() => process.exit(0), 20);"]],
        ["while the pack checks", ["setTimeout(() => process.exit(1), 400);"]],
    ])("process.exit %s exits 2 naming the call", async (_when, lines) => {
        const run = await policyCheck("--program", program("exits", [publicRancher, ...lines]));
        expect(run.stderr).toMatch(/exits\.ts failed: the program called process\.exit\([01]\)/);
        expect(run.status).toBe(2);
    });

    it("a resource registered too late to be checked exits 2 saying so", async () => {
        const file = program("too-late", [`setTimeout(() => { ${publicRancher} }, 400);`]);
        const run = await policyCheck("--program", file);
        expect(run.stderr).toContain("too-late.ts failed: registered 1 resource after");
        expect(run.status).toBe(2);
    });

    it("--json keeps what the program prints off stdout", async () => {
        const file = program("chatty", [
            'console.log("hello from the program");',
            'process.stdout.write("and more\\n");',
            'new docker.Network("n", { name: "n" });',
        ]);
        const run = await policyCheck("--program", file, "--json");
        const report = JSON.parse(run.stdout) as JsonReport;
        expect(report.summary.resources).toBeGreaterThan(0);
        expect(run.stderr).toContain("hello from the program");
        expect(run.stderr).toContain("and more");
        expect(run.status).toBe(0);
    });

    it("the program's ConfigError is a config failure in --json", async () => {
        const file = program("config-error", [
            'import * as pulumi from "@pulumi/pulumi";',
            "class ConfigError extends pulumi.RunError {",
            "    constructor(message: string) {",
            "        super(message);",
            '        this.name = "ConfigError";',
            "    }",
            "}",
            'throw new ConfigError("flex4apps:domain must be a host name");',
        ]);
        const run = await policyCheck("--program", file, "--json");
        const report = JSON.parse(run.stdout) as { error: { kind: string; message: string } };
        expect(report.error).toEqual({
            kind: "config",
            message: "flex4apps:domain must be a host name",
        });
        expect(run.status).toBe(2);
    });

    it("a v1 Helm chart and YAML config are named as not rendered under mocks", async () => {
        const file = program("charts", [
            'import * as k8s from "@pulumi/kubernetes";',
            'new k8s.helm.v3.Chart("dashboard", { chart: "kubernetes-dashboard" });',
            'new k8s.yaml.ConfigFile("manifests", { file: __filename });',
        ]);
        const run = await policyCheck("--program", file);
        expect(run.stdout).toMatch(/^not rendered under mocks/m);
        expect(run.stdout).toMatch(/^ {2}kubernetes:helm\.sh\/v3:Chart {2}dashboard$/m);
        expect(run.stdout).toMatch(/^ {2}kubernetes:yaml:ConfigFile {2}manifests$/m);
        expect(run.status).toBe(0);

        const json = await policyCheck("--program", file, "--json");
        const report = JSON.parse(json.stdout) as { unrendered: { type: string; name: string }[] };
        expect(report.unrendered.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
            "kubernetes:helm.sh/v3:Chart dashboard",
            "kubernetes:yaml:ConfigFile manifests",
        ]);
    });
});
