import { field, isTrue, list, plain, plainWithAssets, UNKNOWN } from "../../../policies/lib/values";
import { unknownDuringPreview } from "../harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("../../../policies/node_modules/@pulumi/policy/proxy");

describe("plain", () => {
    it("turns values the proxy cannot read yet into UNKNOWN instead of throwing", () => {
        const props = unknownCheckingProxy({ ports: [{ internal: 80, ip: unknownDuringPreview }] });

        const copy = plain(props);

        expect(field(list(field(copy, "ports"))[0], "ip")).toBe(UNKNOWN);
        expect(field(list(field(copy, "ports"))[0], "internal")).toBe(80);
    });
});

describe("list", () => {
    it("decodes a JSON-encoded list, as provider inputs arrive", () => {
        expect(list('["-o", "StrictHostKeyChecking=no"]')).toEqual([
            "-o",
            "StrictHostKeyChecking=no",
        ]);
        expect(list("not a list")).toEqual([]);
    });
});

describe("isTrue", () => {
    it.each([
        [true, true],
        ["true", true],
        ["True", true],
        ["false", false],
        [false, false],
        [null, false],
    ])("%s → %s", (value, expected) => {
        expect(isTrue(value)).toBe(expected);
    });
});

describe("plainWithAssets", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { asset } = require("../../../policies/node_modules/@pulumi/pulumi");

    it("reads a StringAsset's text, kept in a promise behind the proxy", async () => {
        const props = unknownCheckingProxy({
            valueYamlFiles: [new asset.StringAsset("api:\n  insecure: true\n")],
        });

        expect(await plainWithAssets(props)).toEqual({
            valueYamlFiles: [{ text: "api:\n  insecure: true\n" }],
        });
    });

    it("gives a FileAsset no text (the file is on the machine running Pulumi)", async () => {
        const props = unknownCheckingProxy({ files: [new asset.FileAsset("values.yaml")] });

        expect(await plainWithAssets(props)).toEqual({ files: [{}] });
    });
});
