/**
 * The policy pack as the Pulumi CLI runs it: started with run-policy-pack in its own directory,
 * reached through its Analyzer gRPC service, fed the resources that programs register.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    analyzeAll,
    startPolicyPack,
    toAnalyzerResources,
    type AnalyzerInfo,
    type PolicyPack,
    type Violation,
} from "../../tools/lib/analyzer";
import { ensurePackCompiled, resolvePolicyConfig } from "../../tools/lib/check";
import { runProgramUnderMocks } from "../../tools/lib/mock-run";
import { readStackConfig } from "../../tools/lib/stack-config";
import { runStackFile, STACK_FILES, stackName } from "../support/program";
import { caseFiles, exportedPolicyNames, HAVE_CASES, NO_CASES_MESSAGE, PACK_DIR } from "./cases";

const PROJECT = "flex4apps";

let pack: PolicyPack;
let info: AnalyzerInfo;

beforeAll(async () => {
    ensurePackCompiled(PACK_DIR, () => undefined);
    pack = await startPolicyPack({ packDir: PACK_DIR, project: PROJECT, stack: "contract" });
    info = await pack.getAnalyzerInfo();
    await pack.configure(resolvePolicyConfig(info));
});

afterAll(async () => {
    await pack?.close();
});

/** Runs a case program under mocks and the pack over what it registers. */
async function violationsOfCase(file: string): Promise<Violation[]> {
    jest.resetModules();
    const project = path.basename(file, ".ts");
    const run = await runProgramUnderMocks({
        program: file,
        project,
        stack: "contract",
        config: {},
    });
    if (run.error) {
        throw run.error;
    }
    expect(run.resources.length).toBeGreaterThan(0);
    const resources = toAnalyzerResources(run.resources, { project, stack: "contract" });
    return (await analyzeAll(pack, resources)).violations;
}

const mandatory = (violations: Violation[]) =>
    violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.policyName} on ${v.urn}: ${v.message}`);

describe("the policy pack started as the CLI starts it", () => {
    it("prints a loopback port; GetPluginInfo answers @pulumi/policy's version", async () => {
        expect(pack.address).toMatch(/^127\.0\.0\.1:\d+$/);
        const manifest = path.join(PACK_DIR, "node_modules", "@pulumi", "policy", "package.json");
        const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
        expect((await pack.getPluginInfo()).version).toBe(version.replace(/^v/, ""));
    });

    it("GetAnalyzerInfo names the pack and lists every policy its modules export", () => {
        expect(info.name).toBe("flex4apps-no-public-api");
        expect(info.supportsConfig).toBe(true);
        const exported = exportedPolicyNames();
        expect(exported.length).toBeGreaterThan(0);
        expect(info.policies.map((p) => p.name).sort()).toEqual(exported);
    });

    it("GetAnalyzerInfo gives every policy a description and an enforcement level", () => {
        for (const policy of info.policies) {
            expect(policy.description.trim()).not.toBe("");
            expect(["advisory", "mandatory", "remediate", "disabled"]).toContain(
                policy.enforcementLevel,
            );
        }
    });
});

const describeCases = HAVE_CASES ? describe : describe.skip;
if (!HAVE_CASES) {
    console.warn(NO_CASES_MESSAGE);
}

describeCases("Analyze and AnalyzeStack on the handed cases", () => {
    it.each(caseFiles("insecure").map((f) => [path.basename(f), f]))(
        "%s → at least one mandatory violation",
        async (_name, file) => {
            expect(mandatory(await violationsOfCase(file))).not.toEqual([]);
        },
    );

    it.each(caseFiles("secure").map((f) => [path.basename(f), f]))(
        "%s → no mandatory violation",
        async (_name, file) => {
            expect(mandatory(await violationsOfCase(file))).toEqual([]);
        },
    );

    it("Configure with every policy advisory makes an insecure verdict advisory", async () => {
        const [file] = caseFiles("insecure");
        const all = path.join(
            fs.mkdtempSync(path.join(os.tmpdir(), "f4a-policy-config-")),
            "all.json",
        );
        fs.writeFileSync(all, JSON.stringify({ all: "advisory" }));
        try {
            await pack.configure(resolvePolicyConfig(info, all));
            const violations = await violationsOfCase(file);
            expect(violations.length).toBeGreaterThan(0);
            expect(mandatory(violations)).toEqual([]);
        } finally {
            await pack.configure(resolvePolicyConfig(info));
            fs.rmSync(path.dirname(all), { recursive: true, force: true });
        }
    });
});

const describeStacks = STACK_FILES.length > 0 ? describe : describe.skip;
if (STACK_FILES.length === 0) {
    console.warn("skipped: no Pulumi.<stack>.yaml at the repository root yet");
}

describeStacks("Analyze and AnalyzeStack on the stacks this project ships", () => {
    it.each(STACK_FILES.map((f) => [stackName(f), f]))(
        "stack %s → no mandatory violation",
        async (stack, file) => {
            const program = await runStackFile(file);
            expect(program.result.error).toBeUndefined();
            const { config, secretKeys } = readStackConfig(file, PROJECT);
            const context = { project: PROJECT, stack, config, secretKeys };
            const resources = toAnalyzerResources(program.resources, context);
            expect(mandatory((await analyzeAll(pack, resources)).violations)).toEqual([]);
        },
    );
});

describe("closing the pack", () => {
    it("stops its process", async () => {
        const pid = pack.pid;
        expect(pid).toBeDefined();
        await pack.close();
        expect(() => process.kill(pid as number, 0)).toThrow();
    });
});
