import { traefikApiInsecureModeOff } from "../../../policies/traefik/insecureApi";
import { deployment, dockerContainer, helmRelease } from "../fixtures";
import { TestResource as Resource } from "../harness";
import { levelsOf, TestResource } from "../harness";

const policy = traefikApiInsecureModeOff;

function traefikWith(command: string[]): TestResource {
    return dockerContainer("edge-proxy", { image: "traefik:v3.4", command });
}

const levels = (resource: TestResource) => levelsOf(policy, resource);

describe("traefik-api-insecure-mode-off", () => {
    it.each([
        [["--api.insecure"]],
        [["--api.insecure=true"]],
        [["--API.Insecure=TRUE"]],
        [["--api.insecure", "true"]],
        [["-api.insecure"]],
        [["/bin/sh", "-c", "traefik --providers.docker --api.insecure"]],
        [["/bin/sh", "-c", "exec traefik --api.insecure='true'"]],
        [["sh", "-c", 'traefik --api.insecure="true" --providers.docker=true']],
    ])("container command %j → blocked", async (command) => {
        expect(await levels(traefikWith(command))).toEqual(["mandatory"]);
    });

    it("shell-quoted --api.insecure='false' inside sh -c → passes", async () => {
        const command = ["/bin/sh", "-c", "exec traefik --api.insecure='false' --api.dashboard"];

        expect(await levels(traefikWith(command))).toEqual([]);
    });

    it("docker envs TRAEFIK_API_INSECURE=true → blocked", async () => {
        const proxy = dockerContainer("proxy", {
            image: "traefik:v3.4",
            envs: ["TRAEFIK_API=true", "TRAEFIK_API_INSECURE=true"],
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("pod env TRAEFIK_API_INSECURE=True in a mirrored image → blocked", async () => {
        const pod = deployment("traefik", [
            {
                name: "traefik",
                image: "registry.example.net/mirror/traefik:v3.4",
                env: [{ name: "TRAEFIK_API_INSECURE", value: "True" }],
            },
        ]);

        expect(await levels(pod)).toEqual(["mandatory"]);
    });

    it("pod env TRAEFIK_API_INSECURE valueFrom a ConfigMap key → passes (unknown)", async () => {
        const pod = deployment("traefik", [
            {
                name: "traefik",
                image: "traefik:v3.4",
                env: [
                    {
                        name: "TRAEFIK_API_INSECURE",
                        valueFrom: { configMapKeyRef: { name: "traefik-env", key: "insecure" } },
                    },
                ],
            },
        ]);

        expect(await levels(pod)).toEqual([]);
    });

    it("pod args --api.insecure=$(INSECURE) with env INSECURE=true → blocked", async () => {
        const pod = deployment("traefik", [
            {
                name: "traefik",
                image: "traefik:v3.4",
                env: [{ name: "INSECURE", value: "true" }],
                args: ["--api.insecure=$(INSECURE)"],
            },
        ]);

        expect(await levels(pod)).toEqual(["mandatory"]);
    });

    it("pod args --api.insecure=$$(INSECURE) (escaped) with INSECURE=true → passes", async () => {
        const pod = deployment("traefik", [
            {
                name: "traefik",
                image: "traefik:v3.4",
                env: [{ name: "INSECURE", value: "true" }],
                args: ["--api.insecure=$$(INSECURE)"],
            },
        ]);

        expect(await levels(pod)).toEqual([]);
    });

    it("Helm additionalArguments with the bare flag → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { additionalArguments: ["--api.insecure", "--accesslog=true"] },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("Helm values api.insecure: true → blocked", async () => {
        const release = helmRelease("ingress", { values: { api: { insecure: true } } });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("Helm values env TRAEFIK_API_INSECURE → blocked", async () => {
        const release = helmRelease("ingress", {
            values: { env: [{ name: "TRAEFIK_API_INSECURE", value: "true" }] },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("ConfigMap with a traefik.yml static config setting api.insecure → blocked", async () => {
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "traefik-config",
            props: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "traefik-config" },
                data: {
                    "traefik.yml":
                        "entryPoints:\n  web:\n    address: :80\napi:\n  insecure: true\n",
                },
            },
        };

        expect(await levels(configMap)).toEqual(["mandatory"]);
    });

    it("TOML static config uploaded into the container → blocked", async () => {
        const proxy = dockerContainer("proxy", {
            image: "traefik:v3.4",
            uploads: [{ file: "/etc/traefik/traefik.toml", content: "[api]\n  insecure = true\n" }],
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("--api.insecure=false and --api.dashboard=true → passes", async () => {
        expect(await levels(traefikWith(["--api.insecure=false", "--api.dashboard=true"]))).toEqual(
            [],
        );
    });

    it("chart with default values → passes", async () => {
        expect(await levels(helmRelease("ingress", { version: "41.3.0" }))).toEqual([]);
    });

    it("application container with an unrelated INSECURE variable → passes", async () => {
        const app = dockerContainer("app", { image: "nginx", envs: ["API_INSECURE=true"] });

        expect(await levels(app)).toEqual([]);
    });
});

describe("traefik-api-insecure-mode-off: static configuration files", () => {
    function upload(file: string, content: Record<string, string>): Resource {
        return dockerContainer("edge-proxy", {
            image: "traefik:v3.4",
            uploads: [{ file, ...content }],
        });
    }

    function configObject(kind: string, key: string, field: string, content: string): Resource {
        return {
            type: `kubernetes:core/v1:${kind}`,
            name: "proxy-static",
            props: { metadata: { name: "proxy-static" }, [field]: { [key]: content } },
        };
    }

    const blockInsecure = "api:\n  insecure: true\n";

    it("flow-style YAML `api: { insecure: true }` in an upload → blocked", async () => {
        const proxy = upload("/etc/traefik/traefik.yml", { content: "api: { insecure: true }\n" });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("TOML inline table `api = { insecure = true }` in an upload → blocked", async () => {
        const proxy = upload("/etc/traefik/traefik.toml", {
            content: "api = { insecure = true }\n",
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("JSON static configuration upload with api.insecure → blocked", async () => {
        const proxy = upload("/etc/traefik/traefik.json", {
            content: JSON.stringify({ api: { insecure: true } }),
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("upload given as contentBase64 → blocked", async () => {
        const proxy = upload("/etc/traefik/traefik.yml", {
            contentBase64: Buffer.from(blockInsecure).toString("base64"),
        });

        expect(await levels(proxy)).toEqual(["mandatory"]);
    });

    it("YAML upload with `insecure: false` in flow style → passes", async () => {
        const proxy = upload("/etc/traefik/traefik.yml", { content: "api: { insecure: false }\n" });

        expect(await levels(proxy)).toEqual([]);
    });

    it("ConfigMap key static.yaml holding only `api:\\n  insecure: true` → blocked", async () => {
        expect(
            await levels(configObject("ConfigMap", "static.yaml", "data", blockInsecure)),
        ).toEqual(["mandatory"]);
    });

    it("Secret stringData traefik.yaml with api.insecure → blocked", async () => {
        const secret = configObject("Secret", "traefik.yaml", "stringData", blockInsecure);

        expect(await levels(secret)).toEqual(["mandatory"]);
    });

    it("Secret data (base64) traefik.yaml with api.insecure → blocked", async () => {
        const encoded = Buffer.from(blockInsecure).toString("base64");

        expect(await levels(configObject("Secret", "traefik.yaml", "data", encoded))).toEqual([
            "mandatory",
        ]);
    });

    it("application ConfigMap with an `api` section of its own keys → passes", async () => {
        const app = configObject(
            "ConfigMap",
            "app.yaml",
            "data",
            "api:\n  insecure: true\n  url: x\n",
        );

        expect(await levels(app)).toEqual([]);
    });

    it("DeploymentPatch of k3s's Traefik adding --api.insecure → blocked", async () => {
        const patch: Resource = {
            type: "kubernetes:apps/v1:DeploymentPatch",
            name: "traefik-insecure",
            props: {
                metadata: { name: "traefik", namespace: "kube-system" },
                spec: {
                    template: {
                        spec: {
                            containers: [
                                {
                                    name: "traefik",
                                    image: "rancher/mirrored-library-traefik:3.3.6",
                                    args: ["--api.insecure=true"],
                                },
                            ],
                        },
                    },
                },
            },
        };

        expect(await levels(patch)).toEqual(["mandatory"]);
    });
});

describe("traefik-api-insecure-mode-off: chart values wherever they are given", () => {
    const insecureArguments = "additionalArguments:\n  - --api.insecure=true\n";

    it("globalArguments with --api.insecure → blocked", async () => {
        const release = helmRelease("traefik", {
            values: { globalArguments: ["--api.insecure=true"] },
        });

        expect(await levels(release)).toEqual(["mandatory"]);
    });

    it("k3s HelmChartConfig traefik, --api.insecure in valuesContent → blocked", async () => {
        const config: Resource = {
            type: "kubernetes:helm.cattle.io/v1:HelmChartConfig",
            name: "traefik-config",
            props: {
                metadata: { name: "traefik", namespace: "kube-system" },
                spec: { valuesContent: insecureArguments },
            },
        };

        expect(await levels(config)).toEqual(["mandatory"]);
    });

    it("HelmChartConfig of another bundled chart (coredns), same values → passes", async () => {
        const config: Resource = {
            type: "kubernetes:helm.cattle.io/v1:HelmChartConfig",
            name: "coredns-config",
            props: {
                metadata: { name: "coredns", namespace: "kube-system" },
                spec: { valuesContent: "globalArguments:\n  - --api.insecure\n" },
            },
        };

        expect(await levels(config)).toEqual([]);
    });

    it("rancher2 AppV2 of chart traefik with values YAML text → blocked", async () => {
        const app: Resource = {
            type: "rancher2:index/appV2:AppV2",
            name: "traefik",
            props: { chartName: "traefik", namespace: "ingress", values: insecureArguments },
        };

        expect(await levels(app)).toEqual(["mandatory"]);
    });

    it("valueYamlFiles given as a StringAsset → blocked", async () => {
        const asset = { __pulumiAsset: true, text: "additionalArguments:\n  - --api.insecure\n" };

        expect(await levels(helmRelease("traefik", { valueYamlFiles: [asset] }))).toEqual([
            "mandatory",
        ]);
    });

    it("values overriding a valueYamlFiles api.insecure with false → passes", async () => {
        const asset = { __pulumiAsset: true, text: "api:\n  insecure: true\n" };
        const release = helmRelease("traefik", {
            valueYamlFiles: [asset],
            values: { api: { insecure: false } },
        });

        expect(await levels(release)).toEqual([]);
    });
});
