import { providerInputs, resourcePolicy } from "../lib/policy";
import { isTrue } from "../lib/values";

const fix = "remove insecure: true and pass the Rancher server's CA certificate in caCerts";

/**
 * Flags a rancher2 provider that skips TLS verification (`insecure: true`): its Rancher API
 * token can then be taken by anyone who can intercept the connection. Advisory: it weakens the
 * client, it does not by itself expose the Rancher API.
 *
 * Reads: `pulumi:providers:rancher2` `insecure` (boolean, or the string "true" provider inputs
 * travel as), `caCerts`; for other resources, the same inputs of `args.provider`.
 *
 * Fix: verify TLS with `caCerts`.
 *
 * Corresponds to: no direct CIS, Checkov, Kubescape or Trivy equivalent.
 */
export const rancher2ProviderVerifiesTls = resourcePolicy({
    name: "rancher2-provider-verifies-tls",
    description: "The rancher2 provider should verify the Rancher server's TLS certificate.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: fix,
    check: (resource) => {
        const provider = providerInputs(resource, "pulumi:providers:rancher2");
        if (!provider || !isTrue(provider.props.insecure)) {
            return [];
        }
        return [
            {
                exposed: "the rancher2 provider talks to the Rancher API without verifying TLS",
                field: `${provider.field}insecure`,
                fix,
            },
        ];
    },
});
