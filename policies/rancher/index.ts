import { rancher2ProviderVerifiesTls } from "./providerTls";
import { rancherServerNotPublic } from "./serverPublic";

/** The policies that keep Rancher's API off public networks and its clients verifying TLS. */
export const rancherPolicies = [rancherServerNotPublic, rancher2ProviderVerifiesTls];
