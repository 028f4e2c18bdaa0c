/**
 * Where the handed case programs and the policy pack are, and which policies the pack's
 * modules export, for the tests that drive the pack as the CLI does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");
export const PACK_DIR = path.join(ROOT, "policies");

/** The handed cases live beside this repository, in ../shared/cases. */
export const CASES_DIR = path.resolve(ROOT, "..", "shared", "cases");
export const HAVE_CASES = fs.existsSync(CASES_DIR);
export const NO_CASES_MESSAGE = `skipped: no handed cases at ${CASES_DIR} (../shared/cases)`;

/** The case programs of one kind, as absolute paths; empty when the cases are absent. */
export function caseFiles(kind: "insecure" | "secure"): string[] {
    const dir = path.join(CASES_DIR, kind);
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".ts"))
        .sort()
        .map((file) => path.join(dir, file));
}

/**
 * The names of the policies that the pack's modules export, found without `index.ts` (which
 * constructs the pack and so starts a server): every compiled module under policies/bin is
 * loaded in a separate Node process, and every exported policy value, or array of them, is
 * collected. A policy has a string name and validateResource or validateStack.
 */
export function exportedPolicyNames(packDir = PACK_DIR): string[] {
    const script = `
        const fs = require("fs");
        const path = require("path");
        const bin = path.join(process.argv[1], "bin");
        const names = new Set();
        const isPolicy = (v) => v && typeof v === "object" && typeof v.name === "string" &&
            (v.validateResource !== undefined || v.validateStack !== undefined);
        const walk = (dir) => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(full);
                else if (entry.name.endsWith(".js") && full !== path.join(bin, "index.js")) {
                    for (const value of Object.values(require(full))) {
                        for (const item of Array.isArray(value) ? value : [value]) {
                            if (isPolicy(item)) names.add(item.name);
                        }
                    }
                }
            }
        };
        walk(bin);
        console.log(JSON.stringify([...names].sort()));
    `;
    const result = spawnSync(process.execPath, ["-e", script, packDir], {
        cwd: packDir,
        encoding: "utf8",
    });
    if (result.status !== 0) {
        throw new Error(`could not load the pack's modules:\n${result.stderr}`);
    }
    return JSON.parse(result.stdout) as string[];
}
