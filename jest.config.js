/** Tests run TypeScript through ts-jest without type checking (the `typecheck` script does that once). */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    transform: {
        "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    },
    testTimeout: 120000,
    // Programs outside the project (the handed cases) resolve the SDK and providers from here.
    modulePaths: ["<rootDir>/node_modules"],
    modulePathIgnorePatterns: ["<rootDir>/bin/", "<rootDir>/policies/bin/"],
};
