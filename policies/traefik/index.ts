import { traefikDashboardAllowListed } from "./dashboardAllowList";
import { traefikDashboardRouteRequiresAuth } from "./dashboardRouteAuth";
import { traefikEntrypointNotExposed } from "./entrypointExposed";
import { traefikApiInsecureModeOff } from "./insecureApi";
import { traefikDashboardMiddlewaresAuthenticate } from "./middlewaresAuthenticate";
import { traefikDashboardMiddlewaresDefined } from "./middlewaresDefined";

/** The policies that keep Traefik's API and dashboard off public networks. */
export const traefikPolicies = [
    traefikApiInsecureModeOff,
    traefikEntrypointNotExposed,
    traefikDashboardRouteRequiresAuth,
    traefikDashboardMiddlewaresAuthenticate,
    traefikDashboardMiddlewaresDefined,
    traefikDashboardAllowListed,
];
