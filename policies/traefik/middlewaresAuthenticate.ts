import { stackPolicy } from "../lib/policy";
import { dashboardRoutesInStack } from "./stackRoutes";

const fix =
    "add a basicAuth, digestAuth or forwardAuth middleware to the router (directly or in a " +
    "chain), or fix the reference so that it names the authentication middleware";

/**
 * Stops a router to `api@internal` whose middlewares are all defined in the stack, none of them
 * authenticating: a Middleware resource (also in a chart's `extraObjects`) or Docker labels
 * `traefik.http.middlewares.<name>.<type>…` of a type other than basicAuth, digestAuth or
 * forwardAuth, chains followed.
 *
 * Reads: every route the resource policy `traefik-dashboard-route-requires-auth` reads, and
 * Middleware `metadata.{name, namespace}`, `spec` (its type keys, `chain.middlewares`) and
 * docker labels `traefik.http.middlewares.*`. References resolve by Traefik's rules:
 * `{ name, namespace }` (namespace defaults to the route's), `name@docker`, and
 * `namespace-name@kubernetescrd`.
 *
 * Fix: put a real authentication middleware on the router.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent.
 */
export const traefikDashboardMiddlewaresAuthenticate = stackPolicy({
    name: "traefik-dashboard-middlewares-authenticate",
    description: "The middlewares on a route to api@internal must include authentication.",
    severity: "critical",
    remediationSteps: fix,
    check: (resources) =>
        dashboardRoutesInStack(resources)
            .filter(
                ({ protection }) =>
                    !protection.authenticated && protection.undefinedReferences.length === 0,
            )
            .map(({ resource, route, protection }) => ({
                resource,
                exposed:
                    `${route.where} routes to ${route.target} through middlewares ` +
                    `that do not authenticate: ${protection.defined.join(", ")}`,
                field: route.field,
                fix,
            })),
});
