import { managementApiNotPublicThroughStack } from "./containersInStack";

/** The policies that need the whole stack to see what one resource takes from another. */
export const stackPolicies = [managementApiNotPublicThroughStack];
