import { providerInputs, resourcePolicy } from "../lib/policy";
import { dockerProviderType, plaintextEngineConnection } from "./engineHost";

const fix =
    "give the provider certMaterial, keyMaterial and caMaterial (or certPath) and run dockerd " +
    "with --tlsverify, or reach the host over ssh:// instead of tcp://";

/**
 * Stops a Docker provider from driving a Docker Engine over plaintext TCP: without TLS client
 * certificates the Engine API has no authentication, and whoever reaches the port is root on
 * the host.
 *
 * Reads: a `pulumi:providers:docker` resource's `host`, `certPath`, `certMaterial`,
 * `keyMaterial`; for every other resource, the same inputs of the provider it is created with
 * (`args.provider`), so a program whose provider is not analysed on its own is still caught.
 * Hosts on private addresses (see `privateCidrs`) pass; host names are treated as public.
 *
 * Fix: configure TLS client material (and `--tlsverify` on the daemon), or use `ssh://`.
 *
 * Corresponds to: CIS Docker Benchmark 2.6 (v1.2.0 numbering, "Ensure TLS authentication for
 * Docker daemon is configured"); no direct Checkov, Kubescape or Trivy equivalent.
 */
export const dockerEngineApiRequiresTls = resourcePolicy({
    name: "docker-engine-api-requires-tls",
    description: "A Docker provider must not reach the Docker Engine API over TCP without TLS.",
    severity: "critical",
    remediationSteps: fix,
    check: (resource, settings) => {
        const provider = providerInputs(resource, dockerProviderType);
        const problem =
            provider && plaintextEngineConnection(provider.props, settings.privateNetworks);
        return problem ? [{ exposed: problem, field: `${provider.field}host`, fix }] : [];
    },
});
