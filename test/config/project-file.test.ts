import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PLAIN_KEYS, SECRET_KEYS } from "../../config";
import { ROOT } from "../support/program";

interface Declaration {
    type?: string;
    description?: string;
    secret?: boolean;
    default?: unknown;
    items?: { type: string };
}

function isEmptyObject(value: unknown): boolean {
    return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
const declared = project.config as Record<string, Declaration>;

describe("Pulumi.yaml declares the whole config", () => {
    it("is the flex4apps project on the nodejs runtime", () => {
        expect(project.name).toBe("flex4apps");
        expect(project.runtime.name).toBe("nodejs");
    });

    it("declares exactly the keys the program reads", () => {
        expect(Object.keys(declared).sort()).toEqual(
            [...PLAIN_KEYS, ...SECRET_KEYS].map((k) => `flex4apps:${k}`).sort(),
        );
    });

    it.each([...PLAIN_KEYS, ...SECRET_KEYS])(
        "declares flex4apps:%s with a type Pulumi accepts and a description",
        (key) => {
            const declaration = declared[`flex4apps:${key}`];
            expect(["string", "integer", "boolean", "array", "object"]).toContain(declaration.type);
            expect(declaration.description?.length).toBeGreaterThan(20);
            if (declaration.type === "array") {
                expect(declaration.items?.type).toBeDefined();
            }
            // `secret: true` would make the CLI require the key in every stack; a secret
            // defaults to empty instead, which the program reads as "not set".
            expect(declaration.secret).toBeUndefined();
            if (SECRET_KEYS.includes(key)) {
                expect(declaration.description).toMatch(/^Secret, set with --secret\./);
                expect(declaration.default === "" || isEmptyObject(declaration.default)).toBe(true);
            }
            // Only the keys every stack must set go without a default.
            expect(declaration.default === undefined).toBe(["domain", "dockerHosts"].includes(key));
        },
    );

    it("lists every key in the README's config reference", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const key of [...PLAIN_KEYS, ...SECRET_KEYS]) {
            expect(readme).toContain(`\`${key}\``);
        }
    });
});
