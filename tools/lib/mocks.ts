import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Deterministic stand-in bytes for a resource, so that two runs register the same values. */
function digest(name: string, salt: string): Buffer {
    return crypto.createHash("sha256").update(`${salt}:${name}`).digest();
}

function mockPem(kind: string, name: string): string {
    const body = digest(name, kind).toString("base64");
    return `-----BEGIN ${kind}-----\nMOCK${body}\n-----END ${kind}-----\n`;
}

/**
 * What a provider would compute for the resource types this platform uses. Only what the
 * program reads back is filled in; everything else echoes the inputs, as a provider would.
 */
function computedState(type: string, name: string, inputs: Record<string, unknown>) {
    switch (type) {
        case "random:index/randomPassword:RandomPassword": {
            const length = typeof inputs.length === "number" ? inputs.length : 16;
            return { result: digest(name, "password").toString("hex").slice(0, length) };
        }
        case "random:index/randomBytes:RandomBytes": {
            const length = typeof inputs.length === "number" ? inputs.length : 16;
            const bytes = digest(name, "bytes").subarray(0, length);
            return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
        }
        case "tls:index/privateKey:PrivateKey":
            return {
                privateKeyPem: mockPem("PRIVATE KEY", name),
                publicKeyPem: mockPem("PUBLIC KEY", name),
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: mockPem("CERTIFICATE", name) };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: mockPem("CERTIFICATE REQUEST", name) };
        case "rancher2:index/bootstrap:Bootstrap":
            return {
                token: `token-mock:${digest(name, "token").toString("hex")}`,
                tokenId: "token-mock",
                user: "admin",
                currentPassword: inputs.password,
            };
        case "rancher2:index/cluster:Cluster":
            return {
                clusterRegistrationToken: {
                    manifestUrl: `https://rancher.mock/v3/import/${name}.yaml`,
                    command: `kubectl apply -f https://rancher.mock/v3/import/${name}.yaml`,
                    token: `mock-registration-${name}`,
                },
            };
        case "rancher2:index/clusterV2:ClusterV2":
            return {
                clusterV1Id: `c-${name}`,
                clusterRegistrationToken: {
                    nodeCommand: "curl -fL https://rancher.mock/system-agent-install.sh | sh -s -",
                    token: `mock-registration-${name}`,
                },
                kubeConfig: `apiVersion: v1\nkind: Config\nclusters: []\n`,
            };
        case "docker:index/container:Container": {
            const networks = Array.isArray(inputs.networksAdvanced) ? inputs.networksAdvanced : [];
            const host = 2 + (digest(name, "address")[0] % 250);
            return {
                networkDatas: networks.map((network: { name?: string }) => ({
                    networkName: network.name,
                    ipAddress: `172.18.0.${host}`,
                    ipPrefixLength: 16,
                    gateway: "172.18.0.1",
                })),
            };
        }
        case "command:local:Command":
        case "command:remote:Command":
            return { stdout: `mock output of ${name}`, stderr: "" };
        default:
            return {};
    }
}

/** Ids that Rancher gives projects and namespaces have their own shapes; match them. */
function mockId(type: string, name: string, inputs: Record<string, unknown>): string {
    if (type === "rancher2:index/project:Project") {
        return `${String(inputs.clusterId ?? "c-mock")}:p-${name}`;
    }
    if (type === "rancher2:index/cluster:Cluster") {
        return `c-${name}`;
    }
    return `${name}-id`;
}

/** Mocks that answer like the providers this platform uses, deterministically. */
export const platformMocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        return {
            id: mockId(args.type, args.name, inputs),
            state: { ...inputs, ...computedState(args.type, args.name, inputs) },
        };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        return (args.inputs ?? {}) as Record<string, unknown>;
    },
};
