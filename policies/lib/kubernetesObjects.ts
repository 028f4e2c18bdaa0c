import { parseAllDocuments } from "yaml";

import { ResourceView } from "./policy";
import { field, isRecord, list, plain, Plain, PlainRecord, record, text } from "./values";

/**
 * A Kubernetes object a policy can judge: a typed resource (`kubernetes:apps/v1:Deployment`), a
 * custom resource (`kubernetes:traefik.io/v1alpha1:IngressRoute`), or an object embedded in a
 * Helm release's `extraObjects`.
 */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    metadata: PlainRecord;
    spec: PlainRecord;
    body: PlainRecord;
    /** Where the object sits in the resource's inputs ("" for the resource itself). */
    field: string;
    /** Declared by a `…Patch` resource: only the fields it changes are in `body`. */
    patch?: boolean;
}

// Limitation: a `kubernetes:helm.sh/v3:Chart` (and v1 `yaml.ConfigFile`/`ConfigGroup`) is a
// component resource in TypeScript that sends no inputs; the objects it renders are judged one by
// one as their own resources under a real preview, but not under mocks. A v2 `ConfigFile` names
// a file that is not read.
/** Helm types whose inputs carry chart values. */
const helmTypes = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

/** A chart installed by a resource: which chart, in which namespace, with which values. */
export interface ChartInstall {
    chart: string;
    /** The chart repository, where the resource names one. */
    repository: string;
    namespace: string;
    values: PlainRecord;
}

/** Chart values written as YAML text; text that does not parse is no values. */
function valuesFromYaml(content: Plain | undefined): PlainRecord {
    return typeof content === "string" ? (parseManifests(content)[0] ?? {}) : record(content);
}

/**
 * The chart a resource installs, or `undefined`: a Helm v3 Release or v4 Chart (`values` over
 * `valueYamlFiles` given as string assets, as Helm merges them), a k3s/rke2 `HelmChartConfig`
 * (values in `spec.valuesContent`, for the bundled chart it is named after), or a Rancher
 * `AppV2` (`chartName`, values as YAML text).
 */
export function chartInstallOf(resource: ResourceView): ChartInstall | undefined {
    const props = resource.props;
    if (helmTypes.has(resource.type)) {
        // Limitation: valueYamlFiles given as FileAsset or RemoteAsset name files on the machine
        // running Pulumi or URLs, which are not read; string assets are.
        const files = list(props.valueYamlFiles).map((asset) =>
            valuesFromYaml(field(asset, "text")),
        );
        const values = [...files, record(props.values)].reduce(
            (merged, layer) => record(overlay(merged, layer)),
            {} as PlainRecord,
        );
        return {
            chart: text(props.chart) ?? "",
            repository: text(field(props, "repositoryOpts", "repo")) ?? "",
            namespace: text(props.namespace) ?? "default",
            values,
        };
    }
    if (resource.type === "kubernetes:helm.cattle.io/v1:HelmChartConfig") {
        return {
            chart: text(field(props, "metadata", "name")) ?? "",
            repository: "",
            namespace: text(field(props, "metadata", "namespace")) ?? "kube-system",
            values: valuesFromYaml(field(props, "spec", "valuesContent")),
        };
    }
    if (resource.type === "rancher2:index/appV2:AppV2") {
        return {
            chart: text(props.chartName) ?? "",
            repository: text(props.repoName) ?? "",
            namespace: text(props.namespace) ?? "default",
            values: valuesFromYaml(props.values),
        };
    }
    return undefined;
}

export function isHelmChart(resource: ResourceView): boolean {
    return chartInstallOf(resource) !== undefined;
}

/** The chart's namespace, where its objects land unless they name another one. */
export function helmNamespace(resource: ResourceView): string {
    return chartInstallOf(resource)?.namespace ?? "default";
}

/** The values a chart is installed with (`{}` for a resource that installs none). */
export function chartValues(resource: ResourceView): PlainRecord {
    return chartInstallOf(resource)?.values ?? {};
}

/**
 * Whether a resource installs the Traefik chart: `traefik` (or a path ending in it), k3s's
 * `traefik` and rke2's `rke2-traefik` HelmChartConfig, or a chart from a Traefik repository.
 */
export function isTraefikChart(resource: ResourceView): boolean {
    const install = chartInstallOf(resource);
    return (
        install !== undefined &&
        (/(^|[/:-])traefik$/i.test(install.chart) || /traefik/i.test(install.repository))
    );
}

export function objectFromBody(
    body: PlainRecord,
    fieldPath: string,
    defaultNamespace: string,
    fallback: { apiVersion?: string; kind?: string } = {},
): KubernetesObject {
    const metadata = record(body.metadata);
    return {
        apiVersion: text(body.apiVersion) ?? fallback.apiVersion ?? "",
        kind: text(body.kind) ?? fallback.kind ?? "",
        name: text(metadata.name) ?? "",
        namespace: text(metadata.namespace) ?? defaultNamespace,
        metadata,
        spec: record(body.spec),
        body,
        field: fieldPath,
    };
}

/**
 * `kubernetes:apps/v1:Deployment` → `{ apiVersion: "apps/v1", kind: "Deployment" }`; a patch
 * (`kubernetes:core/v1:ServicePatch`) is read as the kind it patches.
 */
function parseTypeToken(
    type: string,
): { apiVersion: string; kind: string; patch: boolean } | undefined {
    const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (!match || match[1].startsWith("helm.sh") || match[1].startsWith("yaml")) {
        return undefined;
    }
    const patch = /.Patch$/.test(match[2]);
    return {
        apiVersion: match[1].replace(/^core\//, ""),
        kind: patch ? match[2].slice(0, -"Patch".length) : match[2],
        patch,
    };
}

/**
 * What well-known objects look like before a patch changes them, so that a patch is judged as
 * the object it patches: the API server's `default/kubernetes` Service, and the Traefik Service
 * k3s installs (a LoadBalancer through its servicelb).
 */
const wellKnownObjects: Record<string, PlainRecord> = {
    "Service default/kubernetes": {
        spec: { type: "ClusterIP", ports: [{ name: "https", port: 443, targetPort: 6443 }] },
    },
    "Service kube-system/traefik": {
        metadata: { labels: { "app.kubernetes.io/name": "traefik" } },
        spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/name": "traefik" } },
    },
};

/** `base` with `patch` laid over it: mappings merge, anything else in `patch` replaces. */
function overlay(base: Plain, patch: Plain): Plain {
    if (!isRecord(base) || !isRecord(patch)) {
        return patch === null ? base : patch;
    }
    const merged: PlainRecord = { ...base };
    for (const [key, value] of Object.entries(patch)) {
        merged[key] = key in base ? overlay(base[key], value) : value;
    }
    return merged;
}

function patchedObject(body: PlainRecord, kind: string): PlainRecord {
    const metadata = record(body.metadata);
    const key = `${kind} ${text(metadata.namespace) ?? "default"}/${text(metadata.name) ?? ""}`;
    const base = wellKnownObjects[key];
    return base ? record(overlay(base, body)) : body;
}

/** The objects of a multi-document YAML manifest; documents that do not parse are skipped. */
export function parseManifests(manifest: string): PlainRecord[] {
    try {
        return parseAllDocuments(manifest)
            .filter((document) => document.errors.length === 0)
            .map((document) => plain(document.toJS()))
            .filter(isRecord);
    } catch {
        return [];
    }
}

/** Objects given as a list of objects and/or YAML strings (`extraObjects`, `objs`, `yaml`). */
function embeddedObjects(
    entries: Plain[],
    fieldPath: string,
    defaultNamespace: string,
): KubernetesObject[] {
    const objects: KubernetesObject[] = [];
    entries.forEach((entry, index) => {
        const bodies = typeof entry === "string" ? parseManifests(entry) : [record(entry)];
        for (const body of bodies.filter((body) => Object.keys(body).length > 0)) {
            objects.push(objectFromBody(body, `${fieldPath}[${index}]`, defaultNamespace));
        }
    });
    return objects;
}

/**
 * Every Kubernetes object a resource declares: itself, the objects in a Helm chart's
 * `extraObjects`, or those of a `kubernetes:yaml/v2:ConfigGroup` (`objs`, `yaml`).
 */
export function kubernetesObjectsOf(resource: ResourceView): KubernetesObject[] {
    const token = parseTypeToken(resource.type);
    if (token) {
        const body = token.patch ? patchedObject(resource.props, token.kind) : resource.props;
        const object = objectFromBody(body, "", "default", token);
        return [token.patch ? { ...object, kind: token.kind, patch: true } : object];
    }
    if (resource.type === "kubernetes:yaml/v2:ConfigGroup") {
        const manifests = resource.props.yaml;
        return [
            ...embeddedObjects(list(resource.props.objs), "objs", "default"),
            ...embeddedObjects(
                typeof manifests === "string" ? [manifests] : list(manifests),
                "yaml",
                "default",
            ),
        ];
    }
    if (!isHelmChart(resource)) {
        return [];
    }
    // Limitation: extraObjects strings that only parse once Helm renders them are not read.
    return embeddedObjects(
        list(field(chartValues(resource), "extraObjects")),
        "values.extraObjects",
        helmNamespace(resource),
    );
}

/** The field path below an object, joined to where the object sits. */
export function at(object: KubernetesObject, path: string): string {
    return object.field === "" ? path : `${object.field}.${path}`;
}

/**
 * The Service a chart renders from the usual `service` values, as an object the Service checks
 * understand: type (`service.spec.type`, as the Traefik chart has it since version 40, else
 * `service.type`, else the chart's default), source ranges, externalIPs and annotations.
 * `undefined` when `service.enabled` is false.
 */
export function chartService(
    values: PlainRecord,
    defaultType: string,
    servicePath = "service",
): KubernetesObject | undefined {
    const service = record(field(values, ...servicePath.split(".")));
    if (service.enabled === false) {
        return undefined;
    }
    const spec = record(service.spec);
    return objectFromBody(
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: servicePath, annotations: service.annotations ?? {} },
            spec: {
                type: spec.type ?? service.type ?? defaultType,
                loadBalancerSourceRanges:
                    spec.loadBalancerSourceRanges ?? service.loadBalancerSourceRanges ?? [],
                externalIPs: spec.externalIPs ?? service.externalIPs ?? [],
                // The chart's ports are not in its values; one stands for all of them.
                ports: [{}],
            },
        },
        `values.${servicePath}`,
        "default",
    );
}
