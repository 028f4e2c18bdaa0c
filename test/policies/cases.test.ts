import * as fs from "fs";
import * as path from "path";

import { dockerPolicies } from "../../policies/docker";
import { kubernetesPolicies } from "../../policies/kubernetes";
import { rancherPolicies } from "../../policies/rancher";
import { traefikPolicies } from "../../policies/traefik";
import { runPolicies } from "./harness";
import { resourcesOfProgram } from "./programs";

const policies = [...dockerPolicies, ...kubernetesPolicies, ...traefikPolicies, ...rancherPolicies];
const casesDirectory = path.resolve(__dirname, "../../../shared/cases");

function programs(kind: "insecure" | "secure"): string[] {
    const directory = path.join(casesDirectory, kind);
    return fs
        .readdirSync(directory)
        .filter((file) => file.endsWith(".ts"))
        .map((file) => path.join(directory, file));
}

describe("the handed insecure programs", () => {
    it.each(programs("insecure"))("%s → at least one mandatory violation", async (file) => {
        const resources = await resourcesOfProgram(file);

        const violations = await runPolicies(policies, resources);

        expect(resources.length).toBeGreaterThan(0);
        expect(violations.filter((violation) => violation.level === "mandatory")).not.toEqual([]);
    });
});

describe("the handed secure programs", () => {
    it.each(programs("secure"))("%s → no violation at all", async (file) => {
        const resources = await resourcesOfProgram(file);

        const violations = await runPolicies(policies, resources);

        expect(resources.length).toBeGreaterThan(0);
        expect(violations).toEqual([]);
    });
});
