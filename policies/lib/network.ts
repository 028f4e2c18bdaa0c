import * as ipaddr from "ipaddr.js";

/**
 * Address ranges that are never reachable from the public Internet, and so count as private:
 * RFC 1918, loopback, link-local, carrier-grade NAT shared space (RFC 6598, used by overlay
 * networks such as Tailscale) and IPv6 unique-local addresses. The pack's `privateCidrs` config
 * adds to this list.
 */
export const builtInPrivateCidrs: readonly string[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
];

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The set of ranges that count as private; built once from the built-ins and the config. */
export class PrivateNetworks {
    private readonly ranges: Range[];

    constructor(extraCidrs: readonly string[] = []) {
        this.ranges = [...builtInPrivateCidrs, ...extraCidrs].map(parseCidr);
    }

    contains(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
        return this.ranges.some(
            ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
        );
    }

    /** Whether every address of `cidr` is private. */
    containsCidr(cidr: string): boolean {
        const [network, bits] = parseCidr(cidr);
        return this.ranges.some(
            ([range, rangeBits]) =>
                range.kind() === network.kind() &&
                rangeBits <= bits &&
                network.match(range, rangeBits),
        );
    }
}

/** Parses a CIDR; a bare address is taken as a single-host range. Throws on anything else. */
export function parseCidr(cidr: string): Range {
    const trimmed = cidr.trim();
    if (trimmed.includes("/")) {
        const [network, bits] = ipaddr.parseCIDR(trimmed);
        return [unmap(network), network.kind() === "ipv6" && isMapped(network) ? bits - 96 : bits];
    }
    const address = unmap(ipaddr.parse(trimmed));
    return [address, address.kind() === "ipv4" ? 32 : 128];
}

export function isValidCidr(cidr: string): boolean {
    try {
        parseCidr(cidr);
        return true;
    } catch {
        return false;
    }
}

function isMapped(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress();
}

function unmap(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
    return isMapped(address) ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/**
 * How reachable a listening or target address is:
 * - `all-interfaces`: absent, empty, `0.0.0.0` or `::` — every interface of the host, public;
 * - `public`: an address outside the private ranges;
 * - `private`: inside them (or `localhost`);
 * - `name`: a host name, whose addresses cannot be known from the program.
 */
export type Reach = "all-interfaces" | "public" | "private" | "name";

export function reachOf(host: string | undefined, networks: PrivateNetworks): Reach {
    const bare = (host ?? "").trim().replace(/^\[(.*)\]$/, "$1");
    if (bare === "" || bare === "*") {
        return "all-interfaces";
    }
    if (bare.toLowerCase() === "localhost") {
        return "private";
    }
    if (!ipaddr.isValid(bare)) {
        return "name";
    }
    const address = unmap(ipaddr.parse(bare));
    if (address.range() === "unspecified") {
        return "all-interfaces";
    }
    return networks.contains(address) ? "private" : "public";
}

/** Whether a bind or target address can be reached from public networks. */
export function isPubliclyReachable(reach: Reach): boolean {
    return reach === "all-interfaces" || reach === "public";
}

/** The host and port of a `scheme://host:port/...` address, IPv6 literals included. */
export function splitAddress(address: string): { scheme?: string; host: string; port?: number } {
    const match =
        /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/i.exec(
            address.trim(),
        );
    return {
        scheme: match?.[1]?.toLowerCase(),
        host: (match?.[2] ?? "").replace(/^\[(.*)\]$/, "$1"),
        port: match?.[3] === undefined ? undefined : Number(match[3]),
    };
}

/** Whether a CIDR such as `0.0.0.0/0` or `::/0` lets in every address. */
export function isWorldCidr(cidr: string): boolean {
    return coversEveryAddress([cidr]);
}

/** The first and last address of a range, as integers of its family's width. */
function interval([network, bits]: Range): { kind: string; first: bigint; last: bigint } {
    const width = network.kind() === "ipv4" ? 32 : 128;
    const value = network.toByteArray().reduce((total, byte) => (total << 8n) | BigInt(byte), 0n);
    const hostBits = BigInt(width - bits);
    const first = (value >> hostBits) << hostBits;
    return { kind: network.kind(), first, last: first + (1n << hostBits) - 1n };
}

/**
 * Whether some CIDRs together let in every IPv4 or every IPv6 address: `0.0.0.0/0`, `::/0`,
 * `::ffff:0:0/96` (every IPv4 address, mapped), or ranges whose union is the whole space, such
 * as `0.0.0.0/1` with `128.0.0.0/1`. Entries that do not parse are left out.
 */
export function coversEveryAddress(cidrs: readonly string[]): boolean {
    const intervals = cidrs.flatMap((cidr) =>
        isValidCidr(cidr) ? [interval(parseCidr(cidr))] : [],
    );
    return (["ipv4", "ipv6"] as const).some((kind) => {
        const end = (1n << (kind === "ipv4" ? 32n : 128n)) - 1n;
        let next = 0n;
        const sorted = intervals
            .filter((range) => range.kind === kind)
            .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
        for (const range of sorted) {
            if (range.first > next) {
                return false;
            }
            if (range.last >= next) {
                next = range.last + 1n;
            }
            if (next > end) {
                return true;
            }
        }
        return false;
    });
}

/** Prefixes shorter than these make a range too broad to be a deliberate allow-list. */
const broadestDeliberatePrefix = { ipv4: 8, ipv6: 16 } as const;

/**
 * Whether source ranges or an allow-list open a service to the world: together they cover every
 * address, or one range holds public addresses and is broader than a /8 (IPv4) or a /16 (IPv6),
 * such as `0.0.0.0/1`, `128.0.0.0/2` or `2000::/3` (every global unicast IPv6 address). Ranges
 * entirely inside the private ones (`fc00::/7`) do not count; entries that do not parse are
 * left out.
 */
export function opensToTheWorld(
    cidrs: readonly string[],
    networks: PrivateNetworks = new PrivateNetworks(),
): boolean {
    return coversEveryAddress(cidrs) || cidrs.some((cidr) => isBroadPublicRange(cidr, networks));
}

function isBroadPublicRange(cidr: string, networks: PrivateNetworks): boolean {
    if (!isValidCidr(cidr)) {
        return false;
    }
    const [network, bits] = parseCidr(cidr);
    return bits < broadestDeliberatePrefix[network.kind()] && !networks.containsCidr(cidr);
}
