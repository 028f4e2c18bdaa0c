import {
    at,
    chartValues,
    helmNamespace,
    isHelmChart,
    KubernetesObject,
    kubernetesObjectsOf,
} from "../lib/kubernetesObjects";
import { ResourceView } from "../lib/policy";
import { field, integer, isTrue, list, Plain, record, stringMap, text } from "../lib/values";
import { containersOf } from "../lib/workloads";

/** A middleware a router uses, as written: `{ name, namespace }`, `name@provider`. */
export interface MiddlewareRef {
    name: string;
    namespace?: string;
    /** The provider after `@`; absent when the router's own provider is meant. */
    provider?: string;
    /** The provider of the router that names it: references without `@` resolve there. */
    routerProvider: "kubernetescrd" | "kubernetesingress" | "docker";
}

/** A router that serves Traefik's API and dashboard (`api@internal`). */
export interface DashboardRoute {
    /** How the route is declared and where: "IngressRoute spec.routes[0]". */
    where: string;
    field: string;
    /** Entry points the router listens on; `undefined` means all of them. */
    entryPoints?: string[];
    middlewares: MiddlewareRef[];
    /** What the route reaches, in words: "Traefik's API and dashboard", "the kubelet API". */
    target: string;
    /** A TCP router, which no HTTP middleware can authenticate: blocked whatever it names. */
    cannotAuthenticate?: boolean;
}

const traefikApi = "Traefik's API and dashboard";

const publicEntryPoints = ["web", "websecure"];

/** Whether a router is on an entrypoint meant for public traffic (no list: all entrypoints). */
export function isOnPublicEntryPoint(route: DashboardRoute): boolean {
    return (
        route.entryPoints === undefined ||
        route.entryPoints.length === 0 ||
        route.entryPoints.some((name) => publicEntryPoints.includes(name.toLowerCase()))
    );
}

export function isTraefikCrd(object: KubernetesObject, kind: string): boolean {
    return object.kind === kind && /^traefik\.(io|containo\.us)\//.test(object.apiVersion);
}

/** Splits `name@provider`. */
export function splitProvider(reference: string): { name: string; provider?: string } {
    const at = reference.lastIndexOf("@");
    return at < 0
        ? { name: reference.trim() }
        : { name: reference.slice(0, at).trim(), provider: reference.slice(at + 1).trim() };
}

function commaList(value: string | undefined): string[] | undefined {
    if (value === undefined) {
        return undefined;
    }
    return value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
}

function crdMiddlewareRefs(value: Plain | undefined, namespace: string): MiddlewareRef[] {
    return list(value).map((entry) => {
        const { name, provider } = splitProvider(text(field(entry, "name")) ?? "");
        return {
            name,
            provider,
            namespace: text(field(entry, "namespace")) ?? namespace,
            routerProvider: "kubernetescrd",
        };
    });
}

/** `namespace/name` of the TraefikServices that lead to `api@internal`. */
export type ApiServices = Set<string>;

/** Whether a service reference (`{ name, kind, namespace }`) leads to `api@internal`. */
function leadsToApi(reference: Plain, namespace: string, apiServices: ApiServices): boolean {
    const name = text(field(reference, "name")) ?? "";
    const kind = text(field(reference, "kind")) ?? "";
    const referenceNamespace = text(field(reference, "namespace")) ?? namespace;
    return (
        name.toLowerCase() === "api@internal" ||
        (kind === "TraefikService" && apiServices.has(`${referenceNamespace}/${name}`))
    );
}

/** The services a TraefikService sends to: `weighted.services`, `mirroring` and its mirrors. */
function traefikServiceTargets(object: KubernetesObject): Plain[] {
    const mirroring = record(field(object.spec, "mirroring"));
    return [
        ...list(field(object.spec, "weighted", "services")),
        mirroring,
        ...list(field(mirroring, "mirrors")),
    ];
}

/**
 * The TraefikServices (weighted, mirroring; also in extraObjects) that lead to `api@internal`,
 * directly or through one another.
 */
export function traefikServicesToApi(resources: ResourceView[]): ApiServices {
    const services = resources
        .flatMap((resource) => kubernetesObjectsOf(resource))
        .filter((object) => isTraefikCrd(object, "TraefikService"));
    const toApi: ApiServices = new Set();
    let grew = true;
    while (grew) {
        grew = false;
        for (const service of services) {
            const key = `${service.namespace}/${service.name}`;
            const leads = traefikServiceTargets(service).some((target) =>
                leadsToApi(target, service.namespace, toApi),
            );
            if (!toApi.has(key) && leads) {
                toApi.add(key);
                grew = true;
            }
        }
    }
    return toApi;
}

/** What a route's service reference reaches, if it is a management API. */
function referenceTarget(
    reference: Plain,
    namespace: string,
    apiServices: ApiServices,
): string | undefined {
    if (leadsToApi(reference, namespace, apiServices)) {
        return traefikApi;
    }
    const kind = text(field(reference, "kind")) ?? "Service";
    if (kind !== "Service") {
        return undefined;
    }
    const port = field(reference, "port");
    return managementBackend(
        text(field(reference, "name")) ?? "",
        text(field(reference, "namespace")) ?? namespace,
        integer(port),
        integer(port) === undefined ? text(port) : undefined,
    );
}

/**
 * Routes of an IngressRoute (HTTP) or IngressRouteTCP to a management API: `api@internal` (also
 * through TraefikServices) or a Service that is one (see `managementBackend`). A TCP route
 * cannot carry an HTTP authentication middleware.
 */
function ingressRouteRoutes(object: KubernetesObject, apiServices: ApiServices): DashboardRoute[] {
    const tcp = object.kind === "IngressRouteTCP";
    const entryPoints = list(object.spec.entryPoints)
        .map((name) => text(name))
        .filter((name): name is string => name !== undefined);
    const routes: DashboardRoute[] = [];
    list(object.spec.routes).forEach((route, index) => {
        const target = list(field(route, "services"))
            .map((service) => referenceTarget(service, object.namespace, apiServices))
            .find((found) => found !== undefined);
        if (target) {
            routes.push({
                where: `${object.kind} "${object.name}"`,
                field: at(object, `spec.routes[${index}]`),
                entryPoints: object.spec.entryPoints === undefined ? undefined : entryPoints,
                middlewares: crdMiddlewareRefs(field(route, "middlewares"), object.namespace),
                target,
                cannotAuthenticate: tcp || undefined,
            });
        }
    });
    return routes;
}

/** Backends of an Ingress (networking.k8s.io/v1 and the older extensions/v1beta1 shapes). */
function ingressBackends(object: KubernetesObject): { backend: Plain; field: string }[] {
    const backends: { backend: Plain; field: string }[] = [];
    const defaultBackend = object.spec.defaultBackend ?? object.spec.backend;
    if (defaultBackend !== undefined) {
        backends.push({ backend: defaultBackend, field: at(object, "spec.defaultBackend") });
    }
    list(object.spec.rules).forEach((rule, ruleIndex) => {
        list(field(rule, "http", "paths")).forEach((path, pathIndex) => {
            backends.push({
                backend: field(path, "backend") ?? null,
                field: at(object, `spec.rules[${ruleIndex}].http.paths[${pathIndex}].backend`),
            });
        });
    });
    return backends;
}

/**
 * Names Traefik's own Services go by: the chart's `traefik` and `<release>-traefik`, and the
 * names given to a Service for its entrypoint (`traefik-dashboard`, `traefik-api`,
 * `traefik-internal`, `traefik-admin`). An application named `traefik-demo-api` is not one.
 */
export const traefikServiceName = /^([a-z0-9-]+-)?traefik(-(dashboard|api|internal|admin))?$/i;

// Limitation: an Ingress to a Service of another name that selects Traefik's pods (selector
// app.kubernetes.io/name: traefik) on the traefik port is not recognised as a dashboard route.
/**
 * The management API a Service backend is, in words, or `undefined`: Traefik's own Service on
 * the `traefik` entrypoint's port (8080, or 9000 in older charts) or a port/Service named for it;
 * the API server's `kubernetes` Service in `default`; a `kubernetes-dashboard` Service; a
 * kubelet port (10250/10255, or a port named `kubelet`).
 */
export function managementBackend(
    service: string,
    namespace: string,
    portNumber: number | undefined,
    portName: string | undefined,
): string | undefined {
    const traefikPort =
        [8080, 9000].includes(portNumber ?? -1) ||
        /^(traefik|dashboard|api)$/i.test(portName ?? "") ||
        /dashboard|api/i.test(service);
    if (traefikServiceName.test(service) && traefikPort) {
        return traefikApi;
    }
    if (service === "kubernetes" && namespace === "default") {
        return "the Kubernetes API server";
    }
    if (/kubernetes-dashboard/i.test(service)) {
        return "the Kubernetes dashboard";
    }
    if ([10250, 10255].includes(portNumber ?? -1) || /^kubelet/i.test(portName ?? "")) {
        return "the kubelet API";
    }
    return undefined;
}

/** The management API an Ingress backend is, read in both Ingress shapes. */
function ingressBackendTarget(backend: Plain, namespace: string): string | undefined {
    const service = text(field(backend, "service", "name")) ?? text(field(backend, "serviceName"));
    const portNumber =
        integer(field(backend, "service", "port", "number")) ??
        integer(field(backend, "servicePort"));
    const portName =
        text(field(backend, "service", "port", "name")) ??
        (portNumber === undefined ? text(field(backend, "servicePort")) : undefined);
    return service === undefined
        ? undefined
        : managementBackend(service, namespace, portNumber, portName);
}

function ingressRoutes(object: KubernetesObject): DashboardRoute[] {
    const annotations = stringMap(object.metadata.annotations);
    const middlewares = (
        commaList(annotations.get("traefik.ingress.kubernetes.io/router.middlewares")) ?? []
    ).map((reference): MiddlewareRef => ({
        ...splitProvider(reference),
        routerProvider: "kubernetesingress",
    }));
    const routes: DashboardRoute[] = [];
    for (const { backend, field: backendField } of ingressBackends(object)) {
        const target = ingressBackendTarget(backend, object.namespace);
        if (target) {
            routes.push({
                where: `Ingress "${object.name}"`,
                field: backendField,
                entryPoints: commaList(
                    annotations.get("traefik.ingress.kubernetes.io/router.entrypoints"),
                ),
                middlewares,
                target,
            });
        }
    }
    return routes;
}

/** Routers declared in Docker labels (`traefik.http.routers.<name>.service=api@internal`). */
export function labelRoutes(labels: Map<string, string>, labelsField: string): DashboardRoute[] {
    const lower = new Map([...labels].map(([key, value]) => [key.toLowerCase(), value]));
    if (/^false$/i.test(lower.get("traefik.enable") ?? "")) {
        return [];
    }
    const routes: DashboardRoute[] = [];
    for (const [key, value] of lower) {
        const match = /^traefik\.http\.routers\.([^.]+)\.service$/.exec(key);
        if (!match || value.trim().toLowerCase() !== "api@internal") {
            continue;
        }
        const router = `traefik.http.routers.${match[1]}`;
        routes.push({
            where: `Docker labels router "${match[1]}"`,
            field: `${labelsField} ${router}.service`,
            entryPoints: commaList(lower.get(`${router}.entrypoints`)),
            target: traefikApi,
            middlewares: (commaList(lower.get(`${router}.middlewares`)) ?? []).map(
                (reference): MiddlewareRef => ({
                    ...splitProvider(reference),
                    routerProvider: "docker",
                }),
            ),
        });
    }
    return routes;
}

/** The chart's own dashboard route, `ingressRoute.dashboard` (off by default). */
function chartRoutes(resource: ResourceView): DashboardRoute[] {
    const dashboard = record(field(chartValues(resource), "ingressRoute", "dashboard"));
    if (!isTrue(dashboard.enabled)) {
        return [];
    }
    const entryPoints = list(dashboard.entryPoints)
        .map((name) => text(name))
        .filter((name): name is string => name !== undefined);
    return [
        {
            where: `chart values ingressRoute.dashboard`,
            field: "values.ingressRoute.dashboard",
            entryPoints: dashboard.entryPoints === undefined ? ["traefik"] : entryPoints,
            middlewares: crdMiddlewareRefs(dashboard.middlewares, helmNamespace(resource)),
            target: traefikApi,
        },
    ];
}

/**
 * Gateway API HTTPRoutes whose rule sends to Traefik's `api@internal` TraefikService; Traefik
 * middlewares attach as `ExtensionRef` filters, entrypoints as the parent's `sectionName`.
 */
function httpRouteRoutes(object: KubernetesObject, apiServices: ApiServices): DashboardRoute[] {
    const sections = list(object.spec.parentRefs)
        .map((parent) => text(field(parent, "sectionName")))
        .filter((name): name is string => name !== undefined);
    const routes: DashboardRoute[] = [];
    list(object.spec.rules).forEach((rule, index) => {
        const toApi = list(field(rule, "backendRefs")).some((backend) =>
            leadsToApi(backend, object.namespace, apiServices),
        );
        if (!toApi) {
            return;
        }
        const middlewares = list(field(rule, "filters"))
            .filter((filter) => text(field(filter, "extensionRef", "kind")) === "Middleware")
            .map((filter): MiddlewareRef => ({
                name: text(field(filter, "extensionRef", "name")) ?? "",
                namespace: object.namespace,
                routerProvider: "kubernetescrd",
            }));
        routes.push({
            where: `HTTPRoute "${object.name}"`,
            field: at(object, `spec.rules[${index}]`),
            entryPoints: sections.length > 0 ? sections : undefined,
            middlewares,
            target: traefikApi,
        });
    });
    return routes;
}

// Limitation: routers in Traefik's dynamic configuration files (file provider, in ConfigMaps or
// uploads) are not read; only CRDs, Ingresses, Docker labels and chart values are.
/**
 * Every route to `api@internal` a resource declares, in any of the forms above. TraefikServices
 * that lead to it are those of the resource itself, and in stack policies those of the stack.
 */
export function dashboardRoutesOf(
    resource: ResourceView,
    stackApiServices: ApiServices = new Set(),
): DashboardRoute[] {
    const apiServices = new Set([...stackApiServices, ...traefikServicesToApi([resource])]);
    const routes: DashboardRoute[] = [];
    for (const object of kubernetesObjectsOf(resource)) {
        if (isTraefikCrd(object, "IngressRoute") || isTraefikCrd(object, "IngressRouteTCP")) {
            routes.push(...ingressRouteRoutes(object, apiServices));
        } else if (
            object.kind === "HTTPRoute" &&
            /^gateway\.networking\.k8s\.io\//.test(object.apiVersion)
        ) {
            routes.push(...httpRouteRoutes(object, apiServices));
        } else if (object.kind === "Ingress") {
            routes.push(...ingressRoutes(object));
        }
    }
    for (const container of containersOf(resource)) {
        routes.push(...labelRoutes(container.labels, "labels"));
    }
    if (isHelmChart(resource)) {
        routes.push(...chartRoutes(resource));
    }
    return routes;
}
