import { kubernetesObjectsOf } from "../lib/kubernetesObjects";
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

/** Whether a container is Traefik, by image or by configuration in Traefik's own keys. */
function configuresTraefik(config: StaticConfig): boolean {
    return [...config.keys()].some((key) => /^(entrypoints|providers|api)\./.test(key));
}

/**
 * Stops Traefik's API from running in insecure mode, in every spelling it can be switched on:
 * `--api.insecure`, `--api.insecure=true`, `--api.insecure true`, any case, in a container's
 * command/args; `TRAEFIK_API_INSECURE=true` in its environment; a static configuration file
 * uploaded into a container or kept in a ConfigMap (`api: insecure: true`, `[api] insecure =
 * true`); the Helm chart's `api.insecure`, `additionalArguments` and `env` values.
 *
 * Reads: docker Container `image`, `command`, `entrypoints`, `envs`, `uploads[].{file,
 * content}`; swarm Service `taskSpec.containerSpec.{image, commands, args, env}`; pod specs'
 * `image`, `command`, `args`, `env`; ConfigMap `data`; Helm `values.{api.insecure,
 * additionalArguments, env}`.
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
            if (object.kind !== "ConfigMap") {
                continue;
            }
            for (const [key, content] of stringMap(object.body.data)) {
                if (looksLikeTraefikConfig(key, content)) {
                    const path = `${object.field === "" ? "" : `${object.field}.`}data.${key}`;
                    findings.push(...insecureFinding(staticConfigFromFile(content, path)));
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
