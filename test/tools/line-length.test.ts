/** STYLE.md's line length, held where Prettier cannot: test names and other long strings. */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["tools", "tools/lib", "test/tools", "test/contract", "test/workflows"];

it("the tools and their tests keep every line within 100 columns", () => {
    const long = DIRS.flatMap((dir) =>
        fs
            .readdirSync(path.join(ROOT, dir))
            .filter((file) => file.endsWith(".ts"))
            .flatMap((file) =>
                fs
                    .readFileSync(path.join(ROOT, dir, file), "utf8")
                    .split("\n")
                    .map((line, index) => ({ at: `${dir}/${file}:${index + 1}`, line }))
                    .filter(({ line }) => [...line].length > 100)
                    .map(({ at }) => at),
            ),
    );
    expect(long).toEqual([]);
});
