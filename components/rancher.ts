import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { DockerHost } from "./dockerHost";

/** The rancher/rancher container's name on its host's network; agents beside it use it. */
export const RANCHER_CONTAINER_NAME = "rancher";

interface RancherCommonArgs {
    /** The name users and cluster agents reach Rancher by. */
    hostname: string;
    apiUrl: string;
}

export interface RancherDockerArgs extends RancherCommonArgs {
    mode: "docker";
    host: DockerHost;
    version: string;
    httpsPort: number;
    /** From secret config; generated when absent. */
    adminPassword?: pulumi.Output<string>;
}

export interface RancherExistingArgs extends RancherCommonArgs {
    mode: "existing";
    token: pulumi.Output<string>;
}

export type RancherArgs = RancherDockerArgs | RancherExistingArgs;

/**
 * Rancher, the platform's management plane: either a `rancher/rancher` server container on the
 * host with role `rancher`, bootstrapped through the rancher2 provider's bootstrap mode, or a
 * Rancher that already runs elsewhere. Either way it hands out one admin provider for the
 * clusters and projects that follow.
 *
 * In `docker` mode the server's certificate comes from a CA made here, so the rancher2 provider
 * verifies TLS against that CA instead of switching verification off.
 */
export class Rancher extends pulumi.ComponentResource {
    /** The rancher2 provider authenticated as admin. */
    public readonly provider: rancher2.Provider;
    public readonly url: string;
    /** Admin API token, secret. */
    public readonly token: pulumi.Output<string>;
    /** Admin password, secret; only in `docker` mode. */
    public readonly adminPassword?: pulumi.Output<string>;
    /** The CA that signs Rancher's certificate, in `docker` mode. */
    public readonly caCertPem?: pulumi.Output<string>;
    /** The server container, in `docker` mode. */
    public readonly container?: docker.Container;

    constructor(name: string, args: RancherArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flex4apps:rancher:Rancher", name, {}, opts);
        this.url = args.apiUrl;

        if (args.mode === "existing") {
            this.token = pulumi.secret(args.token);
            this.provider = new rancher2.Provider(
                `${name}-admin`,
                { apiUrl: args.apiUrl, tokenKey: this.token },
                { parent: this },
            );
            this.registerOutputs({ url: this.url });
            return;
        }

        const { host } = args;
        const certificate = this.serverCertificate(name, args.hostname);
        this.caCertPem = certificate.caPem;

        // Generated secrets are marked here, not only by the provider's schema.
        const bootstrapPassword = pulumi.secret(
            new random.RandomPassword(
                `${name}-bootstrap-password`,
                { length: 24, special: false },
                { parent: this },
            ).result,
        );
        this.adminPassword = pulumi.secret(
            args.adminPassword ??
                new random.RandomPassword(
                    `${name}-admin-password`,
                    { length: 24, special: false },
                    { parent: this },
                ).result,
        );

        const image = new docker.RemoteImage(
            `${name}-image`,
            { name: `rancher/rancher:${args.version}`, keepLocally: true },
            host.resourceOptions(this),
        );
        this.container = new docker.Container(
            `${name}-server`,
            {
                name: RANCHER_CONTAINER_NAME,
                image: image.imageId,
                privileged: true,
                restart: "unless-stopped",
                // Rancher listens on the same port inside and outside, so that one server URL
                // serves users on the host and agents on the host's network alike.
                // Limitation: the listen-port flags are the Rancher server's own; that the image
                // passes them through is only seen by a real `pulumi up`.
                command: [`--https-listen-port=${args.httpsPort}`, "--http-listen-port=8080"],
                ports: [host.bind(args.httpsPort)],
                networksAdvanced: [{ ...host.platformNetwork(), aliases: [args.hostname] }],
                envs: [pulumi.interpolate`CATTLE_BOOTSTRAP_PASSWORD=${bootstrapPassword}`],
                uploads: [
                    { file: "/etc/rancher/ssl/cert.pem", content: certificate.certPem },
                    { file: "/etc/rancher/ssl/key.pem", content: certificate.keyPem },
                    { file: "/etc/rancher/ssl/cacerts.pem", content: certificate.caPem },
                ],
                volumes: [
                    {
                        volumeName: `${RANCHER_CONTAINER_NAME}-data`,
                        containerPath: "/var/lib/rancher",
                    },
                ],
            },
            host.resourceOptions(this),
        );

        const bootstrapProvider = new rancher2.Provider(
            `${name}-bootstrap`,
            { apiUrl: args.apiUrl, bootstrap: true, caCerts: certificate.caPem },
            { parent: this, dependsOn: [this.container] },
        );
        const bootstrap = new rancher2.Bootstrap(
            `${name}-admin`,
            {
                initialPassword: bootstrapPassword,
                password: this.adminPassword,
            },
            { parent: this, provider: bootstrapProvider },
        );
        this.token = pulumi.secret(bootstrap.token);
        this.provider = new rancher2.Provider(
            `${name}-admin`,
            { apiUrl: args.apiUrl, tokenKey: this.token, caCerts: certificate.caPem },
            { parent: this },
        );

        this.registerOutputs({ url: this.url, caCertPem: this.caCertPem });
    }

    /** A CA of the platform's own, and a certificate for Rancher's host name signed by it. */
    private serverCertificate(name: string, hostname: string) {
        const caKey = new tls.PrivateKey(
            `${name}-ca-key`,
            { algorithm: "ECDSA", ecdsaCurve: "P256" },
            { parent: this },
        );
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                validityPeriodHours: 24 * 365 * 5,
                allowedUses: ["cert_signing", "crl_signing"],
                subject: { commonName: "Flex4Apps Rancher CA", organization: "Flex4Apps" },
            },
            { parent: this },
        );
        const serverKey = new tls.PrivateKey(
            `${name}-server-key`,
            { algorithm: "ECDSA", ecdsaCurve: "P256" },
            { parent: this },
        );
        const request = new tls.CertRequest(
            `${name}-server-request`,
            {
                privateKeyPem: serverKey.privateKeyPem,
                dnsNames: [hostname],
                subject: { commonName: hostname },
            },
            { parent: this },
        );
        const server = new tls.LocallySignedCert(
            `${name}-server-cert`,
            {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: caKey.privateKeyPem,
                caCertPem: ca.certPem,
                validityPeriodHours: 24 * 365,
                earlyRenewalHours: 24 * 30,
                allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
            },
            { parent: this },
        );
        return {
            caPem: ca.certPem,
            certPem: server.certPem,
            keyPem: pulumi.secret(serverKey.privateKeyPem),
        };
    }
}
