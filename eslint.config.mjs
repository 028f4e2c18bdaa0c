import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: ["**/node_modules/**", "**/bin/**", "coverage/**", "tools/.scratch/**"],
    },
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
    },
    {
        files: ["**/*.ts"],
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "no-console": "error",
        },
    },
    {
        // The command-line tools and tests talk to a terminal; the program and the pack do not.
        files: ["tools/**/*.ts", "test/**/*.ts"],
        rules: { "no-console": "off" },
    },
    {
        // Tests read resource inputs of every shape; typing each one would only restate them.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: ["**/*.mjs", "**/*.js"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            ...tseslint.configs.disableTypeChecked.languageOptions,
            globals: { process: "readonly", console: "readonly" },
        },
    },
);
