import { ResourceValidationPolicy } from "@pulumi/policy";

import { dockerDaemonNotListeningOnPublicTcp } from "../docker/daemonTcp";
import { dockerEngineApiPortNotPublic } from "../docker/enginePort";
import { dockerSocketNotPublished } from "../docker/socketPublished";
import { kubernetesApiServerNotPublic } from "../kubernetes/apiServer";
import { kubernetesDashboardNotPublic } from "../kubernetes/dashboard";
import { kubeletApiNotPublic } from "../kubernetes/kubelet";
import { checkOf, stackPolicy, StackFinding } from "../lib/policy";
import { resourcesWithStackInputs } from "../lib/stackInputs";
import { rancherServerNotPublic } from "../rancher/serverPublic";
import {
    traefikDashboardRouteRequiresAuth,
    unauthenticatedRoutes,
} from "../traefik/dashboardRouteAuth";
import { traefikEntrypointNotExposed } from "../traefik/entrypointExposed";
import { traefikApiInsecureModeOff } from "../traefik/insecureApi";
import { traefikServicesToApi } from "../traefik/routes";
import { servicesInFrontOfManagementPods } from "./servicesToPods";

/** The resource policies that judge containers by their image or environment. */
const containerPolicies: ResourceValidationPolicy[] = [
    dockerEngineApiPortNotPublic,
    dockerDaemonNotListeningOnPublicTcp,
    dockerSocketNotPublished,
    kubernetesApiServerNotPublic,
    kubeletApiNotPublic,
    kubernetesDashboardNotPublic,
    traefikApiInsecureModeOff,
    traefikEntrypointNotExposed,
    rancherServerNotPublic,
];

/**
 * Runs the container policies again on what only the stack shows: a docker Container or swarm
 * Service whose image is an image resource's id (`image: remoteImage.imageId`, the usual Pulumi
 * pattern, a sha256 id at `up` and unknown in preview) is read with that resource's image name
 * (`RemoteImage.name`, `Image.imageName`, docker-build `tags[0]`); a pod's `envFrom` ConfigMaps
 * and Secrets (by name, or the auto-named one it depends on) and `valueFrom` keys of them are
 * read into its environment (`TRAEFIK_API_INSECURE` there); a route to a
 * TraefikService of another resource that leads to `api@internal` (weighted, mirroring) is a
 * dashboard route, blocked without middleware; a public Service is judged by what the pods it
 * selects serve (servicesToPods.ts). Each finding names
 * the policy whose rule it breaks; what that policy already reports on the resource is not
 * repeated.
 *
 * Reads: the resources above, `propertyDependencies.image` (else the only image resource among
 * `dependencies`), ConfigMap `data`, Secret `stringData`/`data`, and what each policy reads.
 *
 * Fix: as the named policy says.
 *
 * Corresponds to: as the named policy.
 */
export const managementApiNotPublicThroughStack = stackPolicy({
    name: "management-api-not-public-through-stack",
    description:
        "Containers whose image or environment comes from other resources (RemoteImage.imageId, " +
        "envFrom) must pass the container policies too.",
    severity: "critical",
    remediationSteps: "as the policy named in the violation says",
    check: (resources, settings) => {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        const findings: StackFinding[] = [];
        for (const resolved of resourcesWithStackInputs(resources)) {
            const original = byUrn.get(resolved.urn) ?? resolved;
            for (const policy of containerPolicies) {
                const check = checkOf(policy);
                const already = new Set(check(original, settings).map((found) => found.exposed));
                for (const finding of check(resolved, settings)) {
                    if (!already.has(finding.exposed)) {
                        findings.push({
                            ...finding,
                            exposed: `[${policy.name}] ${finding.exposed}`,
                            resource: original,
                        });
                    }
                }
            }
        }
        const resolved = new Map(
            resourcesWithStackInputs(resources).map((resource) => [resource.urn, resource]),
        );
        findings.push(
            ...servicesInFrontOfManagementPods(
                resources.map((resource) => resolved.get(resource.urn) ?? resource),
                settings,
            ).map((finding) => ({
                ...finding,
                resource: byUrn.get(finding.resource.urn) ?? finding.resource,
            })),
        );
        const apiServices = traefikServicesToApi(resources);
        for (const resource of resources) {
            const already = new Set(unauthenticatedRoutes(resource).map((found) => found.field));
            for (const finding of unauthenticatedRoutes(resource, apiServices)) {
                if (!already.has(finding.field)) {
                    findings.push({
                        ...finding,
                        exposed: `[${traefikDashboardRouteRequiresAuth.name}] ${finding.exposed}`,
                        resource,
                    });
                }
            }
        }
        return findings;
    },
});
