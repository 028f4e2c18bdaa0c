import { isPubliclyReachable, reachOf, splitAddress } from "../lib/network";
import { Finding, resourcePolicy } from "../lib/policy";
import { isTrue, list, plain, PlainRecord, record, text } from "../lib/values";
import { containersOf, WorkloadContainer } from "../lib/workloads";

const fix =
    "let dockerd listen on its Unix socket only, or on tcp://127.0.0.1 / a private address, " +
    "and add --tlsverify with --tlscacert/--tlscert/--tlskey when it must listen on TCP";

/** Whether a container runs a Docker daemon: `dockerd` in its command, or a dind image. */
function runsDockerDaemon(container: WorkloadContainer): boolean {
    return (
        /(^|[/:])[^/]*dind/i.test(container.image) ||
        container.arguments.some((word) => /(^|\/)dockerd(-entrypoint\.sh)?$/.test(word))
    );
}

/** The addresses a daemon is told to listen on: `-H`, `--host` in all spellings, DOCKER_HOST. */
function listenAddresses(container: WorkloadContainer): string[] {
    const addresses: string[] = [];
    const words = container.arguments;
    for (let index = 0; index < words.length; index++) {
        const joined = /^(?:-H|--host)=?(.+)$/.exec(words[index]);
        if (joined) {
            addresses.push(joined[1]);
        } else if (/^(-H|--host)$/.test(words[index]) && words[index + 1] !== undefined) {
            addresses.push(words[index + 1]);
        }
    }
    addresses.push(...daemonJsonHosts(container));
    const dockerHost = container.environment.get("DOCKER_HOST");
    if (dockerHost) {
        addresses.push(dockerHost);
    }
    // The dind entrypoint listens on tcp://0.0.0.0:2375 without TLS when DOCKER_TLS_CERTDIR
    // is set to an empty value and no --host is given.
    if (addresses.length === 0 && container.environment.get("DOCKER_TLS_CERTDIR") === "") {
        addresses.push("tcp://0.0.0.0:2375");
    }
    return addresses;
}

/** The `hosts` of a daemon.json written into the container (`/etc/docker/daemon.json`). */
function daemonJson(container: WorkloadContainer): PlainRecord {
    for (const [path, content] of container.files) {
        if (/(^|\/)daemon\.json$/.test(path)) {
            try {
                return record(plain(JSON.parse(content)));
            } catch {
                return {};
            }
        }
    }
    return {};
}

function daemonJsonHosts(container: WorkloadContainer): string[] {
    return list(daemonJson(container).hosts)
        .map((host) => text(host))
        .filter((host): host is string => host !== undefined);
}

function usesTlsVerify(container: WorkloadContainer): boolean {
    return (
        container.arguments.some((word) => /^--tlsverify(=true)?$/i.test(word)) ||
        isTrue(daemonJson(container).tlsverify)
    );
}

/**
 * Stops a Docker daemon run by the program (dind images, `dockerd` commands) from listening on
 * TCP on all interfaces or a public address without TLS client verification.
 *
 * Reads: the image, entrypoint/command/args (`-H`, `-H=`, `--host`, `--host=` with a `tcp://`
 * address, `--tlsverify`), environment (`DOCKER_HOST`, an empty `DOCKER_TLS_CERTDIR`) and an
 * uploaded `daemon.json` (`hosts`, `tlsverify`) of docker Containers, swarm Services and pods.
 *
 * Fix: listen on the Unix socket, loopback or a private address, with `--tlsverify`.
 *
 * Corresponds to: CIS Docker Benchmark 2.6 (v1.2.0, TLS authentication for the daemon); no
 * direct Checkov, Kubescape or Trivy equivalent.
 */
export const dockerDaemonNotListeningOnPublicTcp = resourcePolicy({
    name: "docker-daemon-not-listening-on-public-tcp",
    description: "A Docker daemon must not listen on a public TCP address without TLS.",
    severity: "critical",
    remediationSteps: fix,
    check: (resource, settings) => {
        const findings: Finding[] = [];
        for (const container of containersOf(resource).filter(runsDockerDaemon)) {
            if (usesTlsVerify(container)) {
                continue;
            }
            for (const address of listenAddresses(container)) {
                const { scheme, host } = splitAddress(address);
                const reach = reachOf(host, settings.privateNetworks);
                if (scheme === "tcp" && isPubliclyReachable(reach)) {
                    findings.push({
                        exposed: `a Docker daemon listens on ${address} without --tlsverify`,
                        field: container.field === "" ? "command/envs/uploads" : container.field,
                        fix,
                    });
                }
            }
        }
        return findings;
    },
});
