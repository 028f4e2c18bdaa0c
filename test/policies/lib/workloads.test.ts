import { shellWords, splitWords } from "../../../policies/lib/workloads";

describe("shell word splitting", () => {
    it.each([
        ["--api.insecure='true'", ["--api.insecure=true"]],
        ['--api.insecure="true"', ["--api.insecure=true"]],
        ["--api.insecure=\\true", ["--api.insecure=true"]],
        ["'--api.'\"insecure\"=tr'ue'", ["--api.insecure=true"]],
        ['a "b \\" c" d', ["a", 'b " c', "d"]],
        ['"\\n"', ["\\n"]],
        ["'it''s' ''", ["its", ""]],
        ["  exec   traefik  ", ["exec", "traefik"]],
    ])("%s → quotes removed as a shell removes them", (line, words) => {
        expect(shellWords(line)).toEqual(words);
    });

    it("a backslash-escaped blank stays inside the word", () => {
        expect(shellWords("a\\ b c")).toEqual(["a b", "c"]);
    });

    it("splits every command element, skipping values that are not text", () => {
        expect(splitWords(["sh", "-c", "exec traefik --api.insecure='true'", null])).toEqual([
            "sh",
            "-c",
            "exec",
            "traefik",
            "--api.insecure=true",
        ]);
    });
});
