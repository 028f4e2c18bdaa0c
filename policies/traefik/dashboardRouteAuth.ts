import { Finding, resourcePolicy, ResourceView } from "../lib/policy";
import { ApiServices, dashboardRoutesOf } from "./routes";

const fix =
    "add an authentication middleware (basicAuth with a users Secret, digestAuth or " +
    "forwardAuth) to the router, and an ipAllowList middleware for the admin networks";

/**
 * Stops any router to Traefik's API and dashboard (`api@internal`) that has no middleware at
 * all, and so no authentication: an IngressRoute (traefik.io/v1alpha1 or the older
 * traefik.containo.us, also in a chart's `extraObjects`), a networking.k8s.io Ingress to
 * Traefik's dashboard Service/port, Docker labels `traefik.http.routers.<name>.service=
 * api@internal`, and the chart's `ingressRoute.dashboard`; likewise an Ingress or IngressRoute to
 * a Kubernetes management API Service (`default/kubernetes`, `kubernetes-dashboard`, a kubelet
 * port) without middleware, and an IngressRouteTCP to any of them, which no HTTP middleware can
 * authenticate. Routers that do name middlewares are
 * judged by the stack policies, which can see where those middlewares are defined.
 *
 * Reads: IngressRoute `spec.{entryPoints, routes[].services[].name, routes[].middlewares}`;
 * Ingress `spec.{rules[].http.paths[].backend, defaultBackend}` and the annotations
 * `traefik.ingress.kubernetes.io/router.{middlewares, entrypoints}`; docker labels
 * `traefik.enable`, `traefik.http.routers.*.{service, middlewares, entrypoints}`; Helm
 * `values.ingressRoute.dashboard.{enabled, entryPoints, middlewares}`.
 *
 * Fix: put an authentication middleware on the router.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent.
 */
export const traefikDashboardRouteRequiresAuth = resourcePolicy({
    name: "traefik-dashboard-route-requires-auth",
    description: "A route to Traefik's API/dashboard (api@internal) must have an auth middleware.",
    severity: "critical",
    remediationSteps: fix,
    check: (resource) => unauthenticatedRoutes(resource),
});

/**
 * The routes to `api@internal` a resource declares without any middleware; in stack policies,
 * with the stack's TraefikServices that lead there.
 */
export function unauthenticatedRoutes(
    resource: ResourceView,
    stackApiServices?: ApiServices,
): Finding[] {
    return dashboardRoutesOf(resource, stackApiServices)
        .filter((route) => route.middlewares.length === 0 || route.cannotAuthenticate)
        .map((route) => ({
            exposed:
                `${route.where} routes to ${route.target} ` +
                (route.cannotAuthenticate
                    ? "over TCP, where no middleware can authenticate, on "
                    : "without any middleware, so without authentication, on ") +
                (route.entryPoints?.length
                    ? `entrypoints ${route.entryPoints.join(", ")}`
                    : "every entrypoint"),
            field: route.field,
            fix,
        }));
}
