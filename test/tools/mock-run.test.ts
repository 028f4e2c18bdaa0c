/**
 * runProgramUnderMocks on programs that go on after their entry module: late registrations,
 * programs that never settle, and programs that call process.exit.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgramUnderMocks, SETTLE_MS, watchProgram } from "../../tools/lib/mock-run";

let tmp: string;
beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "f4a-mock-run-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the program made of `lines` under mocks, with a fresh SDK. */
function run(name: string, lines: string[], limits: { maxRunMs?: number } = {}) {
    const program = path.join(tmp, `${name}.ts`);
    fs.writeFileSync(program, ['import * as docker from "@pulumi/docker";', ...lines].join("\n"));
    jest.resetModules();
    return runProgramUnderMocks({ program, project: name, stack: "dev", config: {}, ...limits });
}

const names = (resources: { name: string }[]) => resources.map((r) => r.name);

describe("runProgramUnderMocks waits until the program is quiet", () => {
    it("counts resources registered after an await, a timer and an fs callback", async () => {
        const result = await run("late", [
            'import * as fs from "fs";',
            "(async () => {",
            "    await new Promise((resolve) => setTimeout(resolve, 20));",
            '    new docker.Network("after-await", { name: "a" });',
            "})();",
            `setTimeout(() => new docker.Network("after-timer", { name: "t" }), ${SETTLE_MS / 2});`,
            'fs.readFile(__filename, () => new docker.Network("after-read", { name: "r" }));',
        ]);
        expect(result.error).toBeUndefined();
        expect(names(result.resources)).toEqual(
            expect.arrayContaining(["after-await", "after-timer", "after-read"]),
        );
    });

    it("fails a program still registering resources when the cap runs out", async () => {
        const started = Date.now();
        const result = await run(
            "forever",
            [
                "let i = 0;",
                "const timer = setInterval(",
                '    () => new docker.Network(`n-${i++}`, { name: "n" }),',
                `    ${SETTLE_MS / 4},`,
                ");",
                "Object.assign(globalThis, { stopRegistering: () => clearInterval(timer) });",
            ],
            { maxRunMs: 600 },
        );
        (globalThis as unknown as { stopRegistering(): void }).stopRegistering();
        expect(result.error?.message).toBe("still registering resources after 0.6 s");
        expect(Date.now() - started).toBeLessThan(3000);
    });
});

describe("process.exit while a program runs", () => {
    // Jest fails a test on an uncaught exception or rejection of its own accord, so calls
    // from a timer or after an await are tested with policy:check, in a child process.
    it("is reported as the program's failure, not an exit of the process", async () => {
        const result = await run("exits", [
            'new docker.Network("n", { name: "n" });',
            "process.exit(0);",
        ]);
        expect(result.error?.message).toBe("the program called process.exit(0)");
    });

    it("is the process's own again once the watch stops", () => {
        const exit = process.exit;
        const watch = watchProgram();
        expect(process.exit).not.toBe(exit);
        expect(() => process.exit(1)).toThrow("the program called process.exit(1)");
        watch.stop();
        expect(process.exit).toBe(exit);
        expect(watch.failures.map((f) => f.message)).toEqual([
            "the program called process.exit(1)",
        ]);
    });
});
