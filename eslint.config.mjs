import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: ["**/node_modules/**", "**/bin/**", "coverage/**", "jest.config.js"],
    },
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
    },
    {
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
);
