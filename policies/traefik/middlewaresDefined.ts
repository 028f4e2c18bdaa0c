import { stackPolicy } from "../lib/policy";
import { referenceText } from "./middlewares";
import { dashboardRoutesInStack } from "./stackRoutes";

const fix =
    "define the middleware in this stack (a traefik.io Middleware, chart extraObjects or " +
    "Docker labels) or correct the reference's name, namespace or @provider";

/**
 * Says where a router to `api@internal` names middlewares that the stack defines nowhere (for
 * instance `auth@file`, or a Middleware in another namespace), so the pack cannot tell whether
 * the dashboard is authenticated. Advisory: the middleware may come from Traefik's file provider
 * or another stack.
 *
 * Reads: the same routes and middleware definitions as
 * `traefik-dashboard-middlewares-authenticate`.
 *
 * Fix: define the middleware in the stack or correct the reference.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent.
 */
export const traefikDashboardMiddlewaresDefined = stackPolicy({
    name: "traefik-dashboard-middlewares-defined",
    description: "The middlewares on a route to api@internal should be defined in the stack.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: fix,
    check: (resources) =>
        dashboardRoutesInStack(resources)
            .filter(({ protection }) => protection.undefinedReferences.length > 0)
            .map(({ resource, route, protection }) => ({
                resource,
                exposed:
                    `${route.where} routes to ${route.target} through middlewares ` +
                    `defined nowhere in the stack, so their authentication cannot be checked: ` +
                    protection.undefinedReferences.map(referenceText).join(", "),
                field: route.field,
                fix,
            })),
});
