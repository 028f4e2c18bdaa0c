import {
    coversEveryAddress,
    isWorldCidr,
    opensToTheWorld,
    PrivateNetworks,
    reachOf,
    splitAddress,
} from "../../../policies/lib/network";

describe("reachOf", () => {
    const networks = new PrivateNetworks(["198.51.100.0/24"]);

    it.each([
        [undefined, "all-interfaces"],
        ["", "all-interfaces"],
        ["0.0.0.0", "all-interfaces"],
        ["::", "all-interfaces"],
        ["[::]", "all-interfaces"],
        ["10.1.2.3", "private"],
        ["172.31.255.1", "private"],
        ["192.168.10.5", "private"],
        ["127.0.0.1", "private"],
        ["::1", "private"],
        ["fd00::1", "private"],
        ["fe80::1", "private"],
        ["169.254.1.1", "private"],
        ["100.64.0.1", "private"],
        ["::ffff:10.0.0.1", "private"],
        ["localhost", "private"],
        ["198.51.100.23", "private"],
        ["203.0.113.9", "public"],
        ["8.8.8.8", "public"],
        ["2001:db8::1", "public"],
        ["172.32.0.1", "public"],
        ["docker.example.net", "name"],
    ])("%s → %s", (address, reach) => {
        expect(reachOf(address, networks)).toBe(reach);
    });
});

describe("PrivateNetworks.containsCidr", () => {
    it("a range inside 10.0.0.0/8 is private, a wider one is not", () => {
        const networks = new PrivateNetworks();

        expect(networks.containsCidr("10.20.0.0/16")).toBe(true);
        expect(networks.containsCidr("0.0.0.0/0")).toBe(false);
    });
});

describe("splitAddress", () => {
    it("reads scheme, host and port, IPv6 and user parts included", () => {
        expect(splitAddress("tcp://198.51.100.23:2376")).toEqual({
            scheme: "tcp",
            host: "198.51.100.23",
            port: 2376,
        });
        expect(splitAddress("ssh://deploy@[2001:db8::2]:22")).toEqual({
            scheme: "ssh",
            host: "2001:db8::2",
            port: 22,
        });
    });
});

describe("isWorldCidr", () => {
    it.each([
        ["0.0.0.0/0", true],
        ["::/0", true],
        ["10.0.0.0/8", false],
        ["not a cidr", false],
    ])("%s → %s", (cidr, world) => {
        expect(isWorldCidr(cidr)).toBe(world);
    });
});

describe("coversEveryAddress", () => {
    it.each([
        [["0.0.0.0/0"]],
        [["::/0"]],
        [["0.0.0.0/1", "128.0.0.0/1"]],
        [["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"]],
        [["::ffff:0:0/96"]],
        [["10.0.0.0/8", "::/1", "8000::/1"]],
    ])("%j lets in every address → true", (cidrs) => {
        expect(coversEveryAddress(cidrs)).toBe(true);
    });

    it.each([
        [["0.0.0.0/1"]],
        [["0.0.0.0/1", "128.0.0.0/2"]],
        [["0.0.0.0/1", "::/1"]],
        [["10.0.0.0/8", "192.168.0.0/16"]],
        [["not-a-cidr", "0.0.0.0/1"]],
        [[]],
    ])("%j leaves addresses out → false", (cidrs) => {
        expect(coversEveryAddress(cidrs)).toBe(false);
    });
});

describe("opensToTheWorld", () => {
    it.each([
        [["0.0.0.0/0"]],
        [["0.0.0.0/1"]],
        [["128.0.0.0/2"]],
        [["2000::/3"]],
        [["::ffff:0.0.0.0/97"]],
        [["10.0.0.0/8", "64.0.0.0/7"]],
    ])("%j: every address, or a public range broader than /8 or /16 → true", (cidrs) => {
        expect(opensToTheWorld(cidrs)).toBe(true);
    });

    it.each([
        [["11.0.0.0/8"]],
        [["2001::/16"]],
        [["fc00::/7"]],
        [["10.0.0.0/8", "203.0.113.0/24"]],
        [["not-a-cidr/1"]],
        [[]],
    ])("%j: a /8, a /16 or narrower, or private → false", (cidrs) => {
        expect(opensToTheWorld(cidrs)).toBe(false);
    });

    it("a broad range the config counts as private → false", () => {
        expect(opensToTheWorld(["0.0.0.0/1"], new PrivateNetworks(["0.0.0.0/1"]))).toBe(false);
    });
});
