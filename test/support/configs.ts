/** A minimal valid plain config: one local host with both roles, k3s, Rancher in Docker. */
export function baseConfig(): Record<string, any> {
    return {
        domain: "flex4apps.test",
        dockerHosts: [
            {
                name: "local",
                url: "unix:///var/run/docker.sock",
                address: "127.0.0.1",
                roles: ["rancher", "kubernetes"],
            },
        ],
        kubernetes: { distribution: "k3s" },
        rancher: { mode: "docker" },
        projects: [{ name: "monitoring", namespaces: ["grafana"] }],
    };
}

/** Test-only TLS material: any non-empty PEM text passes the config, mocks never use it. */
export const TEST_TLS = {
    caPem: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
    certPem: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
    keyPem: "-----BEGIN PRIVATE KEY-----\nTEST\n-----END PRIVATE KEY-----\n",
};
