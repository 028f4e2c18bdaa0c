import { ResourceView } from "../lib/policy";
import {
    middlewareDefinitionsOf,
    MiddlewareDefinition,
    protectionOf,
    RouteProtection,
} from "./middlewares";
import { DashboardRoute, dashboardRoutesOf, traefikServicesToApi } from "./routes";

/** A route to `api@internal` in the stack, with what its middlewares turn out to be. */
export interface ProtectedRoute {
    resource: ResourceView;
    route: DashboardRoute;
    protection: RouteProtection;
}

/**
 * Every route to `api@internal` in the stack that names at least one middleware, resolved
 * against every middleware the stack defines (routes without any are the resource policy's).
 */
// Limitation: an exemption applies to the resource that declares the route; exempting the
// Middleware resource does not silence the route that uses it.
export function dashboardRoutesInStack(resources: ResourceView[]): ProtectedRoute[] {
    const definitions: MiddlewareDefinition[] = resources.flatMap(middlewareDefinitionsOf);
    const apiServices = traefikServicesToApi(resources);
    return resources.flatMap((resource) =>
        dashboardRoutesOf(resource, apiServices)
            .filter((route) => route.middlewares.length > 0 && !route.cannotAuthenticate)
            .map((route) => ({ resource, route, protection: protectionOf(route, definitions) })),
    );
}
