import { managementApiNotPublicThroughStack } from "../../../policies/stack/containersInStack";
import { deployment, kubernetesService } from "../fixtures";
import { runStackPolicy, TestResource } from "../harness";

const policy = managementApiNotPublicThroughStack;

/** A Deployment in `ingress` whose pods carry `app: <name>` and run one container. */
function labelledDeployment(name: string, container: Record<string, unknown>): TestResource {
    const placement = { namespace: "ingress", labels: { app: name } };
    return deployment(name, [{ name, ...container }], {}, placement);
}

function publicService(
    selector: Record<string, string>,
    ports: Record<string, unknown>[],
    namespace = "ingress",
): TestResource {
    return kubernetesService("front", { type: "LoadBalancer", selector, ports }, { namespace });
}

async function messages(resources: TestResource[]): Promise<string[]> {
    return (await runStackPolicy(policy, resources)).violations.map(
        (violation) => violation.message,
    );
}

const edge = labelledDeployment("edge", {
    image: "traefik:v3.4",
    args: ["--api.dashboard=true", "--entrypoints.web.address=:80"],
    ports: [
        { name: "web", containerPort: 80 },
        { name: "admin", containerPort: 8080 },
    ],
});

describe("management-api-not-public-through-stack: Services in front of pods", () => {
    it("LoadBalancer selecting Traefik pods, port targeting 8080 → blocked", async () => {
        const service = publicService({ app: "edge" }, [
            { name: "http", port: 80 },
            { name: "ops", port: 8080 },
        ]);

        const found = await messages([edge, service]);

        expect(found).toHaveLength(1);
        expect(found[0]).toContain("[traefik-entrypoint-not-exposed]");
        expect(found[0]).toContain("spec.ports[1]");
    });

    it("LoadBalancer selecting Traefik pods by targetPort name 'admin' → blocked", async () => {
        const service = publicService({ app: "edge" }, [{ port: 443, targetPort: "admin" }]);

        expect((await messages([edge, service])).join()).toContain(
            "[traefik-entrypoint-not-exposed]",
        );
    });

    it("LoadBalancer selecting Traefik pods on web only → passes", async () => {
        const service = publicService({ app: "edge" }, [{ port: 80, targetPort: "web" }]);

        expect(await messages([edge, service])).toEqual([]);
    });

    it("the same Service in another namespace than the pods → passes", async () => {
        const service = publicService({ app: "edge" }, [{ port: 8080 }], "shop");

        expect(await messages([edge, service])).toEqual([]);
    });

    it("LoadBalancer selecting dashboard pods, any port → blocked", async () => {
        const console = labelledDeployment("console", {
            image: "kubernetesui/dashboard:v2.7.0",
            ports: [{ name: "https", containerPort: 8443 }],
        });
        const service = publicService({ app: "console" }, [{ port: 443, targetPort: "https" }]);

        expect((await messages([console, service])).join()).toContain(
            "[kubernetes-dashboard-not-public]",
        );
    });

    it("NodePort whose named targetPort is a pod's kubelet port 10250 → blocked", async () => {
        const agent = labelledDeployment("agent", {
            image: "example/node-agent:1.0",
            ports: [{ name: "node-api", containerPort: 10250 }],
        });
        const service = kubernetesService(
            "agent",
            {
                type: "NodePort",
                selector: { app: "agent" },
                ports: [{ port: 80, targetPort: "node-api" }],
            },
            { namespace: "ingress" },
        );

        expect((await messages([agent, service])).join()).toContain("[kubelet-api-not-public]");
    });

    it("ClusterIP Service selecting dashboard pods → passes", async () => {
        const console = labelledDeployment("console", { image: "kubernetesui/dashboard:v2.7.0" });
        const service = kubernetesService(
            "console",
            { selector: { app: "console" }, ports: [{ port: 443 }] },
            { namespace: "ingress" },
        );

        expect(await messages([console, service])).toEqual([]);
    });
});
