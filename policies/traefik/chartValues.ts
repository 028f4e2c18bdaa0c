import { chartValues, isHelmChart, isTraefikChart } from "../lib/kubernetesObjects";
import { ResourceView } from "../lib/policy";
import {
    mergeStaticConfig,
    StaticConfig,
    staticConfigFromArguments,
    staticConfigFromEnvironment,
} from "../lib/traefikStaticConfig";
import { field, isTrue, list, PlainRecord } from "../lib/values";
import { podEnvironment, splitWords } from "../lib/workloads";

/** The chart values of a Helm release or chart that installs Traefik, or `undefined`. */
export function traefikChartValues(resource: ResourceView): PlainRecord | undefined {
    if (!isHelmChart(resource)) {
        return undefined;
    }
    const values = chartValues(resource);
    // A mirrored or renamed chart is still recognised by Traefik's own value keys.
    const traefikKeys = ["additionalArguments", "ingressRoute", "ports"].some(
        (key) => values[key] !== undefined,
    );
    return isTraefikChart(resource) || traefikKeys ? values : undefined;
}

/**
 * The static configuration the chart passes to Traefik: `api.insecure`, `additionalArguments`
 * and `env` (the chart turns `api.insecure: true` into `--api.insecure=true`).
 */
export function chartStaticConfig(values: PlainRecord): StaticConfig {
    const environment = podEnvironment(values.env);
    const apiValues: StaticConfig = new Map();
    if (isTrue(field(values, "api", "insecure"))) {
        apiValues.set("api.insecure", { value: "true", field: "values.api.insecure" });
    }
    return mergeStaticConfig(
        apiValues,
        staticConfigFromEnvironment(environment, "values.env"),
        staticConfigFromArguments(
            splitWords(list(values.globalArguments)),
            "values.globalArguments",
        ),
        staticConfigFromArguments(
            splitWords(list(values.additionalArguments)),
            "values.additionalArguments",
        ),
    );
}
