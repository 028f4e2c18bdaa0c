import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const VALIDATOR = path.join(ROOT, "node_modules", "@action-validator", "cli", "cli.mjs");

/** Runs action-validator on one file, as `npx action-validator FILE` does. */
function validate(file: string) {
    return spawnSync(process.execPath, [VALIDATOR, file], { encoding: "utf8", cwd: ROOT });
}

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
}
interface Job {
    steps: Step[];
    env?: Record<string, string>;
    environment?: string;
    concurrency?: unknown;
}
interface Workflow {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
    concurrency?: unknown;
}

function read(name: string): Workflow {
    return YAML.parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
}

function pulumiStep(workflow: Workflow): { job: Job; step: Step } {
    for (const job of Object.values(workflow.jobs)) {
        const step = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        if (step) {
            return { job, step };
        }
    }
    throw new Error("no pulumi/actions step");
}

describe("GitHub workflows", () => {
    it.each(["pull-request.yml", "deploy.yml"])("%s passes action-validator", (name) => {
        const result = validate(path.join(WORKFLOWS, name));
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
    });

    it("action-validator rejects a job with a misspelt key, so a pass means something", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "f4a-workflow-"));
        const file = path.join(dir, "bad.yml");
        fs.writeFileSync(
            file,
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n" +
                "    stepz:\n      - run: true\n",
        );
        const result = validate(file);
        fs.rmSync(dir, { recursive: true, force: true });
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain("stepz");
    });

    it("pull requests run lint, tests and policy:check for every stack without credentials", () => {
        const workflow = read("pull-request.yml");
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run));
        expect(runs).toEqual(expect.arrayContaining(["npm ci", "npm run lint", "npm test"]));
        const check = Object.values(workflow.jobs)
            .flatMap((job) => job.steps)
            .find((s) => s.run?.includes("npm run policy:check"));
        expect(check?.if).toBeUndefined();
        expect(check?.run).toContain("--stack");
    });

    it("pull requests preview with the pack and one edited comment, only with a token", () => {
        const { job, step } = pulumiStep(read("pull-request.yml"));
        expect(job.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        expect(step.if).toBe("env.PULUMI_ACCESS_TOKEN != ''");
        expect(step.with).toMatchObject({
            command: "preview",
            policyPacks: "policies",
            "comment-on-pr": true,
            "edit-pr-comment": true,
        });
    });

    it("main deploys each stack with pulumi up and the pack behind its environment", () => {
        const workflow = read("deploy.yml");
        expect(workflow.on).toEqual({ push: { branches: ["main"] } });
        expect(workflow.concurrency).toBeDefined();
        const { job, step } = pulumiStep(workflow);
        expect(job.environment).toBe("${{ matrix.stack }}");
        expect(step.with).toMatchObject({ command: "up", policyPacks: "policies" });
        expect(String(step.with?.["stack-name"])).toContain("matrix.stack");
    });
});
