// Validates Kubernetes objects with the schemas of kubernetes-models and
// @kubernetes-models/traefik (ES modules, hence a script of its own). Reads a JSON list of
// objects on stdin; prints a JSON list of "" (valid) or the validation error, one per object.
import * as core from "kubernetes-models/v1";
import * as traefik from "@kubernetes-models/traefik/traefik.io/v1alpha1";

const models = { v1: core, "traefik.io/v1alpha1": traefik };
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
    const results = JSON.parse(input).map((object) => {
        const Model = models[object.apiVersion]?.[object.kind];
        if (Model === undefined) {
            return `no model for ${object.apiVersion} ${object.kind}`;
        }
        try {
            new Model(object).validate();
            return "";
        } catch (err) {
            return String(err.message ?? err);
        }
    });
    process.stdout.write(JSON.stringify(results));
});
