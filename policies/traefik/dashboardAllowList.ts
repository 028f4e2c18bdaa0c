import { stackPolicy } from "../lib/policy";
import { isOnPublicEntryPoint } from "./routes";
import { dashboardRoutesInStack } from "./stackRoutes";

const fix =
    "add an ipAllowList middleware whose sourceRange lists the admin networks, or move the " +
    "router to an entrypoint that is not public";

/**
 * Flags a router to `api@internal` that authenticates but listens on a public entrypoint (`web`,
 * `websecure`, or all entrypoints when none is named) without an IP allow-list (ipAllowList, or
 * the older ipWhiteList) that restricts who may try to log in. Advisory: authentication alone is
 * acceptable for some teams.
 *
 * Reads: the routes' entry points and the middleware definitions (types, `sourceRange`) as
 * `traefik-dashboard-middlewares-authenticate` does.
 *
 * Fix: add an ipAllowList middleware, or use a non-public entrypoint.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent.
 */
export const traefikDashboardAllowListed = stackPolicy({
    name: "traefik-dashboard-allow-listed",
    description:
        "An authenticated route to api@internal on a public entrypoint should be allow-listed.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: fix,
    check: (resources) =>
        dashboardRoutesInStack(resources)
            .filter(
                ({ route, protection }) =>
                    protection.authenticated &&
                    !protection.allowListed &&
                    protection.undefinedReferences.length === 0 &&
                    isOnPublicEntryPoint(route),
            )
            .map(({ resource, route }) => ({
                resource,
                exposed:
                    `${route.where} serves ${route.target} on a public entrypoint ` +
                    `(${route.entryPoints?.join(", ") || "every entrypoint"}) ` +
                    "without an IP allow-list",
                field: route.field,
                fix,
            })),
});
