import { findExemption, matchesGlob, parseSettings } from "../../../policies/lib/settings";

describe("parseSettings", () => {
    it("drops invalid CIDRs and exemptions without a reason", () => {
        const settings = parseSettings({
            privateCidrs: ["198.51.100.0/24", "not-a-cidr"],
            exemptions: [
                { resource: "lab-*", reason: "isolated lab" },
                { resource: "everything", reason: "  " },
            ],
        });

        expect(settings.exemptions).toEqual([{ resource: "lab-*", reason: "isolated lab" }]);
    });
});

describe("findExemption", () => {
    const settings = parseSettings({
        exemptions: [
            {
                resource: "urn:pulumi:dev::*::docker:index/container:Container::lab-*",
                reason: "lab",
            },
            { resource: "edge", policies: ["kubelet-api-not-public"], reason: "debug" },
        ],
    });

    it("matches a URN glob", () => {
        const exemption = findExemption(settings, "docker-socket-not-published", {
            name: "lab-1",
            urn: "urn:pulumi:dev::flex4apps::docker:index/container:Container::lab-1",
        });

        expect(exemption?.reason).toBe("lab");
    });

    it("honours the policies list", () => {
        const resource = { name: "edge", urn: "urn:pulumi:dev::p::t::edge" };

        expect(findExemption(settings, "kubelet-api-not-public", resource)?.reason).toBe("debug");
        expect(findExemption(settings, "rancher-server-not-public", resource)).toBeUndefined();
    });
});

describe("matchesGlob", () => {
    it("treats regular-expression characters literally", () => {
        expect(matchesGlob("a.b", "a.b")).toBe(true);
        expect(matchesGlob("a.b", "axb")).toBe(false);
        expect(matchesGlob("w?rker-*", "worker-3")).toBe(true);
    });
});
