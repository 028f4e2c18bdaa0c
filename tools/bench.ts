/**
 * `npm run bench`: how long a policy verdict takes, measured as a user waits for it (each run a
 * fresh child process, from start to exit), side by side in one run:
 *
 *  1. `policy:check --stack dev` against evaluating the same program alone under mocks
 *     (`--evaluate-only`): the pack's share, start-up included. Target: at most 2×.
 *  2. policy:check of a generated program of 1,000 resources against one of 100. Target: at
 *     most 12×, i.e. linear in the number of resources.
 *
 * Each pair runs alternately, `--runs N` times (default 3) after one unmeasured warm-up, and
 * the medians are compared. Exits 1 when a target is missed, so CI can hold the line; 2 when a
 * measured command itself fails. `--policy-pack DIR` measures another pack.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";

const ROOT = path.resolve(__dirname, "..");
const TS_NODE = path.join(ROOT, "node_modules", "ts-node", "dist", "bin.js");
const CHECK = path.join(ROOT, "tools", "policy-check.ts");

/** One run of policy:check, as `npm run policy:check -- …` runs it, minus npm itself. */
function timeCheck(args: string[]): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [TS_NODE, "--transpile-only", CHECK, ...args], {
        cwd: ROOT,
        encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
        const output = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-5);
        throw new Error(
            `policy:check ${args.join(" ")} exited ${result.status}:\n${output.join("\n")}`,
        );
    }
    return ms;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * A program of `count` resources of the kinds this platform declares, all of them private,
 * so the check does all its work and finds nothing: containers publishing on loopback,
 * ClusterIP Services, and namespaces.
 */
function generateProgram(dir: string, count: number): string {
    const lines = [
        'import * as docker from "@pulumi/docker";',
        'import * as k8s from "@pulumi/kubernetes";',
        "",
        `for (let i = 0; i < ${count}; i++) {`,
        "    switch (i % 3) {",
        "        case 0:",
        "            new docker.Container(`app-${i}`, {",
        '                image: "nginx:1.27",',
        '                ports: [{ internal: 80, external: 10000 + i, ip: "127.0.0.1" }],',
        "            });",
        "            break;",
        "        case 1:",
        "            new k8s.core.v1.Service(`app-${i}`, {",
        "                metadata: { name: `app-${i}`, namespace: `team-${i % 10}` },",
        '                spec: { type: "ClusterIP", ports: [{ name: "http", port: 80 }] },',
        "            });",
        "            break;",
        "        default:",
        "            new k8s.core.v1.Namespace(`team-${i}`, { metadata: { name: `team-${i}` } });",
        "    }",
        "}",
        "",
    ];
    const file = path.join(dir, `generated-${count}.ts`);
    fs.writeFileSync(file, lines.join("\n"));
    return file;
}

interface Comparison {
    label: string;
    slower: string[];
    faster: string[];
    target: number;
}

function measure(comparison: Comparison, runs: number) {
    timeCheck(comparison.slower);
    timeCheck(comparison.faster);
    const slower: number[] = [];
    const faster: number[] = [];
    for (let i = 0; i < runs; i++) {
        slower.push(timeCheck(comparison.slower));
        faster.push(timeCheck(comparison.faster));
        process.stderr.write(".");
    }
    const ratio = median(slower) / median(faster);
    return { ...comparison, slowerMs: median(slower), fasterMs: median(faster), ratio };
}

function main(): number {
    const { values } = parseArgs({
        options: { runs: { type: "string", default: "3" }, "policy-pack": { type: "string" } },
    });
    const runs = Math.max(1, Number(values.runs));
    const pack = values["policy-pack"]
        ? ["--policy-pack", path.resolve(values["policy-pack"])]
        : [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "f4a-bench-"));
    try {
        const small = generateProgram(dir, 100);
        const large = generateProgram(dir, 1000);
        const comparisons: Comparison[] = [
            {
                label: "policy:check dev vs the dev program alone under mocks",
                slower: ["--stack", "dev", ...pack],
                faster: ["--stack", "dev", "--evaluate-only"],
                target: 2,
            },
            {
                label: "policy:check of 1,000 resources vs 100",
                slower: ["--program", large, ...pack],
                faster: ["--program", small, ...pack],
                target: 12,
            },
        ];
        process.stderr.write(`bench: ${runs} runs of each command, medians compared `);
        const results = comparisons.map((c) => measure(c, runs));
        process.stderr.write("\n");

        let missed = 0;
        for (const r of results) {
            const met = r.ratio <= r.target;
            missed += met ? 0 : 1;
            console.log(r.label);
            console.log(
                `  ${r.slowerMs.toFixed(0)} ms vs ${r.fasterMs.toFixed(0)} ms (median of ${runs})`,
            );
            const verdict = met ? "met" : "MISSED";
            console.log(`  ratio ${r.ratio.toFixed(2)}×, target ≤ ${r.target}×: ${verdict}`);
        }
        return missed > 0 ? 1 : 0;
    } catch (err) {
        process.stderr.write("\n");
        console.error(`bench: ${(err as Error).message}`);
        return 2;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

process.exitCode = main();
