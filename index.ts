import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { ClusterRegistration } from "./components/clusterRegistration";
import { DockerHost } from "./components/dockerHost";
import { KubernetesCluster } from "./components/kubernetesCluster";
import { Rancher } from "./components/rancher";
import { RancherProjects } from "./components/rancherProjects";
import { Traefik } from "./components/traefik";

// The whole config is checked before anything is declared: a wrong stack file creates nothing.
const config = loadConfig();

// Rancher in `docker` mode and a k3s server run as containers on hosts of their role.
const runsPlatformContainers = (roles: string[]) =>
    (roles.includes("rancher") && config.rancher.mode === "docker") ||
    (roles.includes("kubernetes") && config.kubernetes.distribution === "k3s");
const hosts = config.dockerHosts.map(
    (host) =>
        new DockerHost(host.name, {
            host,
            runsPlatformContainers: runsPlatformContainers(host.roles),
        }),
);
const hostsWithRole = (role: "rancher" | "kubernetes") =>
    hosts.filter((host) => host.roles.includes(role));

const rancher = new Rancher(
    "rancher",
    config.rancher.mode === "docker"
        ? { ...config.rancher, host: hostsWithRole("rancher")[0] }
        : config.rancher,
);

const cluster = new KubernetesCluster("flex4apps", {
    distribution: config.kubernetes.distribution,
    version: config.kubernetes.version,
    apiPort: config.kubernetes.apiPort,
    apiAllowedCidrs: config.kubernetes.apiAllowedCidrs,
    hosts: hostsWithRole("kubernetes"),
    k3sToken: config.kubernetes.k3sToken,
    kubeconfig: config.kubernetes.kubeconfig,
    rancherProvider: rancher.provider,
});

// Rancher provisioned an RKE2 cluster itself; any other cluster is imported into it.
let clusterId: pulumi.Output<string>;
if (cluster.rancherClusterId !== undefined) {
    clusterId = cluster.rancherClusterId;
} else {
    const rancherBeside =
        rancher.container !== undefined &&
        cluster.server !== undefined &&
        hostsWithRole("rancher")[0] === hostsWithRole("kubernetes")[0];
    const registration = new ClusterRegistration("flex4apps", {
        rancherProvider: rancher.provider,
        kubernetesProvider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        rancherCaPem: rancher.caCertPem,
        rancherHostAlias:
            rancherBeside && rancher.container
                ? {
                      hostname: config.rancher.hostname,
                      address: rancher.container.networkDatas.apply(
                          (networks) => networks?.[0]?.ipAddress ?? "",
                      ),
                  }
                : undefined,
    });
    clusterId = registration.clusterId;
}

const traefik = new Traefik("traefik", {
    provider: cluster.provider,
    namespace: config.traefik.namespace,
    chartVersion: config.traefik.chartVersion,
    dashboard: config.traefik.dashboard,
});

const projects = new RancherProjects("projects", {
    provider: rancher.provider,
    clusterId,
    projects: config.projects,
});

export const dashboardUrl = traefik.dashboardUrl;
export const dashboardPasswords = traefik.dashboardPasswords;
export const rancherUrl = rancher.url;
export const rancherAdminPassword = rancher.adminPassword;
export const rancherToken = rancher.token;
export const kubeconfig = cluster.kubeconfig;
export const kubernetesApiEndpoint = cluster.apiEndpoint;
export const rancherClusterId = clusterId;
export const projectIds = projects.projectIds;
export const namespaceIds = projects.namespaceIds;
