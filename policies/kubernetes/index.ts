import { kubernetesApiServerNotPublic } from "./apiServer";
import { kubernetesClusterEndpointNotPublic } from "./clusterEndpoint";
import { kubernetesDashboardNotPublic } from "./dashboard";
import { kubeletApiNotPublic } from "./kubelet";

/** The policies that keep the Kubernetes API, kubelet and dashboard off public networks. */
export const kubernetesPolicies = [
    kubernetesApiServerNotPublic,
    kubeletApiNotPublic,
    kubernetesDashboardNotPublic,
    kubernetesClusterEndpointNotPublic,
];
