import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerHostConfig, HostRole } from "../config";

export interface DockerHostArgs {
    /** The host as the stack config describes it. */
    host: DockerHostConfig;
    /** Whether the platform runs containers of its own here (Rancher, a k3s server). */
    runsPlatformContainers: boolean;
}

/**
 * One Docker host of the platform: an explicit Docker provider for its Engine, and the bridge
 * network that the platform's containers on it share (so that Rancher and a k3s server on the
 * same host reach each other by container name).
 *
 * The Engine is reached over a Unix socket, SSH, or TCP with TLS client material; a plain
 * `tcp://` connection never gets here, the config refuses it.
 */
export class DockerHost extends pulumi.ComponentResource {
    public readonly provider: docker.Provider;
    /** The network the platform's containers share; only on hosts that run them. */
    public readonly network?: docker.Network;
    /** The host's private or loopback address; every published management port binds to it. */
    public readonly address: string;
    public readonly roles: HostRole[];
    public readonly config: DockerHostConfig;

    constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flex4apps:docker:DockerHost", name, {}, opts);
        const { host } = args;
        this.config = host;
        this.address = host.address;
        this.roles = host.roles;

        const engine = host.engine;
        this.provider = new docker.Provider(
            `${name}-engine`,
            {
                host: engine.url,
                sshOpts: host.ssh?.options.length ? host.ssh.options : undefined,
                ...(engine.scheme === "tcp"
                    ? {
                          caMaterial: engine.tls.caPem,
                          certMaterial: engine.tls.certPem,
                          keyMaterial: engine.tls.keyPem,
                      }
                    : {}),
            },
            { parent: this },
        );

        if (args.runsPlatformContainers) {
            this.network = new docker.Network(
                `${name}-network`,
                { name: "flex4apps", driver: "bridge", attachable: true },
                { parent: this, provider: this.provider },
            );
        }

        this.registerOutputs({ address: this.address, networkName: this.network?.name });
    }

    /** Options for a resource that lives on this host's Engine. */
    resourceOptions(parent: pulumi.Resource): pulumi.CustomResourceOptions {
        return { parent, provider: this.provider };
    }

    /** The platform network, for a container of the platform's own on this host. */
    platformNetwork(): docker.types.input.ContainerNetworksAdvanced {
        if (this.network === undefined) {
            throw new pulumi.ResourceError("this host runs no platform containers", this);
        }
        return { name: this.network.name };
    }

    /** A port published on this host, bound to its private address only. */
    bind(internal: number, external: number = internal): docker.types.input.ContainerPort {
        return { internal, external, ip: this.address, protocol: "tcp" };
    }
}
