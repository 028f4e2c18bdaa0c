import { KubernetesObject, kubernetesObjectsOf } from "../lib/kubernetesObjects";
import { Finding, resourcePolicy } from "../lib/policy";
import {
    containerStaticConfig,
    isOn,
    isTraefikContainer,
    looksLikeTraefikConfig,
    StaticConfig,
    staticConfigFromFile,
} from "../lib/traefikStaticConfig";
import { stringMap } from "../lib/values";
import { containersOf } from "../lib/workloads";
import { chartStaticConfig, traefikChartValues } from "./chartValues";

const fix =
    "remove api.insecure (flag, TRAEFIK_API_INSECURE, values.api.insecure, config file) and " +
    "serve the dashboard through a router to api@internal with an authentication middleware";

// Limitation: a static configuration file named by --configFile is read only when its content is
// in the program (a docker upload or a ConfigMap); a file already on the host is not seen.
function insecureFinding(config: StaticConfig): Finding[] {
    const setting = config.get("api.insecure");
    if (!setting || !isOn(config, "api.insecure")) {
        return [];
    }
    return [
        {
            exposed:
                "Traefik's API and dashboard run in insecure mode (api.insecure), served " +
                "without authentication on the traefik entrypoint (8080 by default)",
            field: setting.field,
            fix,
        },
    ];
}

/**
 * Files a ConfigMap or Secret holds, by key: ConfigMap `data`, Secret `stringData` and `data`
 * (base64, as the API stores it).
 */
function configurationFiles(
    object: KubernetesObject,
): { key: string; content: string; field: string }[] {
    const prefix = object.field === "" ? "" : `${object.field}.`;
    const files: { key: string; content: string; field: string }[] = [];
    const add = (values: Map<string, string>, where: string, decode: boolean) => {
        for (const [key, content] of values) {
            files.push({
                key,
                content: decode ? Buffer.from(content, "base64").toString("utf8") : content,
                field: `${prefix}${where}.${key}`,
            });
        }
    };
    if (object.kind === "ConfigMap") {
        add(stringMap(object.body.data), "data", false);
    }
    if (object.kind === "Secret") {
        add(stringMap(object.body.stringData), "stringData", false);
        add(stringMap(object.body.data), "data", true);
    }
    return files;
}

/** Whether a container is Traefik, by image or by configuration in Traefik's own keys. */
function configuresTraefik(config: StaticConfig): boolean {
    return [...config.keys()].some((key) => /^(entrypoints|providers|api)\./.test(key));
}

/**
 * Stops Traefik's API from running in insecure mode, in every spelling it can be switched on:
 * `--api.insecure`, `--api.insecure=true`, `--api.insecure true`, any case, in a container's
 * command/args; `TRAEFIK_API_INSECURE=true` in its environment; a static configuration file in
 * YAML, JSON or TOML (block or flow style) uploaded into a container or kept in a ConfigMap or
 * Secret; the Helm chart's `api.insecure`, `additionalArguments`, `globalArguments` and `env`
 * values, wherever the chart's values are given (see chartValues.ts).
 *
 * Reads: docker Container `image`, `command`, `entrypoints`, `envs`, `uploads[].{file, content,
 * contentBase64}`; swarm Service `taskSpec.containerSpec.{image, commands, args, env}`; pod
 * specs' `image`, `command`, `args`, `env`; ConfigMap `data`; Secret `stringData`, `data`; chart
 * values `api.insecure`, `additionalArguments`, `globalArguments`, `env`.
 *
 * Fix: drop insecure mode; route to api@internal behind an authentication middleware.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent (Traefik's own
 * documentation warns against insecure mode in production).
 */
export const traefikApiInsecureModeOff = resourcePolicy({
    name: "traefik-api-insecure-mode-off",
    description: "Traefik's API must not run in insecure (unauthenticated) mode.",
    severity: "critical",
    remediationSteps: fix,
    check: (resource) => {
        const findings: Finding[] = [];
        for (const container of containersOf(resource)) {
            const config = containerStaticConfig(container);
            if (isTraefikContainer(container) || configuresTraefik(config)) {
                findings.push(...insecureFinding(config));
            }
        }
        for (const object of kubernetesObjectsOf(resource)) {
            for (const file of configurationFiles(object)) {
                if (looksLikeTraefikConfig(file.key, file.content)) {
                    findings.push(
                        ...insecureFinding(
                            staticConfigFromFile(file.content, file.field, file.key),
                        ),
                    );
                }
            }
        }
        const values = traefikChartValues(resource);
        if (values) {
            findings.push(...insecureFinding(chartStaticConfig(values)));
        }
        return findings;
    },
});
