import { PrivateNetworks, reachOf, splitAddress } from "../lib/network";
import { isUnknown, PlainRecord, text } from "../lib/values";

/** The resource type of a Docker provider; class helpers do not match providers. */
export const dockerProviderType = "pulumi:providers:docker";

/**
 * Why a Docker provider's connection to the Engine API is plaintext and reachable, or
 * `undefined`: `host` is `tcp://` (or `http://`) on a public address or a host name, and neither
 * `certPath` nor client certificate material (`certMaterial` + `keyMaterial`) is given.
 *
 * An absent `host` falls back to DOCKER_HOST on the machine running Pulumi, which a policy cannot
 * see; a value unknown during preview is not judged either.
 */
export function plaintextEngineConnection(
    providerProps: PlainRecord,
    networks: PrivateNetworks,
): string | undefined {
    const host = text(providerProps.host);
    // Limitation: without `host` the provider uses DOCKER_HOST (and DOCKER_CERT_PATH) of the
    // machine running Pulumi, which the pack cannot see; such providers pass.
    if (host === undefined) {
        return undefined;
    }
    const { scheme, host: address, port } = splitAddress(host);
    if (scheme !== "tcp" && scheme !== "http") {
        return undefined;
    }
    const hasMaterial = (key: string) =>
        isUnknown(providerProps[key]) || (text(providerProps[key]) ?? "").trim() !== "";
    if (hasMaterial("certPath") || (hasMaterial("certMaterial") && hasMaterial("keyMaterial"))) {
        return undefined;
    }
    const reach = reachOf(address, networks);
    if (reach === "private") {
        return undefined;
    }
    const where = reach === "name" ? "a host name that may resolve publicly" : "a public address";
    const portNote = port === 2376 ? " (port 2376 is the TLS port, but no TLS is configured)" : "";
    return `the Docker Engine API at ${host}, ${where}, is reached without TLS${portNote}`;
}
