import { kubeletApiNotPublic } from "../../../policies/kubernetes/kubelet";
import { deployment, dockerContainer, kubernetesService } from "../fixtures";
import { runResourcePolicy, unknownDuringPreview } from "../harness";

const policy = kubeletApiNotPublic;

describe("kubelet-api-not-public", () => {
    it("NodePort Service on 10250 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("kubelet-debug", {
                type: "NodePort",
                ports: [{ name: "kubelet", port: 10250, targetPort: 10250, nodePort: 31250 }],
            }),
        );

        expect(outcome.violations.map((violation) => violation.level)).toEqual(["mandatory"]);
        expect(outcome.violations[0].message).toContain("NodePort");
    });

    it("LoadBalancer on the read-only port 10255 without source ranges → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("kubelet-ro", { type: "LoadBalancer", ports: [{ port: 10255 }] }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("container publishing 10250 on all interfaces → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            dockerContainer("node", {
                image: "rancher/k3s",
                ports: [{ internal: 10250, external: 10250 }],
            }),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("pod with hostPort 10250 on hostIP 0.0.0.0 → blocked", async () => {
        const outcome = await runResourcePolicy(
            policy,
            deployment("kubelet-proxy", [
                {
                    name: "proxy",
                    image: "alpine/socat",
                    ports: [{ containerPort: 10250, hostPort: 10250, hostIP: "0.0.0.0" }],
                },
            ]),
        );

        expect(outcome.violations).toHaveLength(1);
    });

    it("ConfigGroup YAML declaring a NodePort Service on 10250 → blocked", async () => {
        const outcome = await runResourcePolicy(policy, {
            type: "kubernetes:yaml/v2:ConfigGroup",
            name: "debug",
            props: {
                yaml: [
                    "apiVersion: v1",
                    "kind: Service",
                    "metadata: { name: kubelet-debug, namespace: kube-system }",
                    "spec:",
                    "  type: NodePort",
                    "  ports: [{ port: 10250 }]",
                ].join("\n"),
            },
        });

        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0].message).toContain("yaml[0].spec.ports[0]");
    });

    it("NodePort Service on an application port → passes", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("shop", {
                type: "NodePort",
                ports: [{ port: 8080, targetPort: 8080 }],
            }),
        );

        expect(outcome.violations).toEqual([]);
    });

    it("Service type unknown during preview → not flagged", async () => {
        const outcome = await runResourcePolicy(
            policy,
            kubernetesService("kubelet", { type: unknownDuringPreview, ports: [{ port: 10250 }] }),
        );

        expect(outcome.violations).toEqual([]);
    });
});
