/** Tests run TypeScript through ts-jest without type checking (the `typecheck` script does that once). */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    transform: {
        "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
    },
    testTimeout: 120000,
    modulePathIgnorePatterns: ["<rootDir>/bin/", "<rootDir>/policies/bin/"],
};
