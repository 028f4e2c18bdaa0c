import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import type { ProjectConfig } from "../config";

export interface RancherProjectsArgs {
    provider: rancher2.Provider;
    clusterId: pulumi.Input<string>;
    projects: ProjectConfig[];
}

/**
 * The quota that keeps a project's Services inside the cluster: no LoadBalancer and no
 * NodePort Service, unless the project is meant to serve the public.
 */
export function serviceQuota(allowPublicServices: boolean) {
    return allowPublicServices ? {} : { servicesLoadBalancers: "0", servicesNodePorts: "0" };
}

/**
 * The Flex4Apps projects in Rancher, each with its namespaces. A project gets a resource quota
 * that allows no LoadBalancer or NodePort Service, so a workload cannot open itself to the
 * world, unless the project says `allowPublicServices`.
 */
export class RancherProjects extends pulumi.ComponentResource {
    /** Project name to Rancher project id. */
    public readonly projectIds: Record<string, pulumi.Output<string>> = {};
    /** Namespace name to Rancher namespace id. */
    public readonly namespaceIds: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: RancherProjectsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flex4apps:rancher:Projects", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider };

        for (const project of args.projects) {
            const quota = serviceQuota(project.allowPublicServices);
            const hasQuota = Object.keys(quota).length > 0;
            const rancherProject = new rancher2.Project(
                `${name}-${project.name}`,
                {
                    name: project.name,
                    description: project.description,
                    clusterId: args.clusterId,
                    resourceQuota: hasQuota
                        ? { projectLimit: quota, namespaceDefaultLimit: quota }
                        : undefined,
                },
                childOpts,
            );
            this.projectIds[project.name] = rancherProject.id;

            for (const namespace of project.namespaces) {
                const created = new rancher2.Namespace(
                    `${name}-${project.name}-${namespace}`,
                    {
                        name: namespace,
                        projectId: rancherProject.id,
                        resourceQuota: hasQuota ? { limit: quota } : undefined,
                    },
                    childOpts,
                );
                this.namespaceIds[namespace] = created.id;
            }
        }

        this.registerOutputs({ projectIds: this.projectIds, namespaceIds: this.namespaceIds });
    }
}
