import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { htpasswdEntry, traefikValues } from "../../components/traefik";
import {
    CHART_DIR,
    HAVE_CHART,
    isSecretValue,
    ROOT,
    runStackFile,
    STACK_FILES,
    stackName,
    type Program,
} from "../support/program";

const HTPASSWD = ["/usr/bin/htpasswd", "/usr/local/bin/htpasswd"].find((p) => fs.existsSync(p));

/** Validates Kubernetes objects with kubernetes-models; "" for each valid object. */
function validateObjects(objects: unknown[]): string[] {
    const out = execFileSync(
        process.execPath,
        [path.join(__dirname, "../support/validate-k8s.mjs")],
        {
            input: JSON.stringify(objects),
            cwd: ROOT,
        },
    );
    return JSON.parse(out.toString());
}

/** Verifies a password against an htpasswd line with Apache's own htpasswd. */
function htpasswdVerifies(line: string, user: string, password: string): boolean {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "f4a-htpasswd-"));
    const file = path.join(dir, "users");
    fs.writeFileSync(file, `${line}\n`, { mode: 0o600 });
    try {
        return (
            spawnSync(HTPASSWD!, ["-vb", file, user, password], { stdio: "ignore" }).status === 0
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const describeChart = HAVE_CHART ? describe : describe.skip;
if (!HAVE_CHART) {
    console.warn(
        `Skipping the chart schema tests: ${CHART_DIR} is absent (../shared not beside the project).`,
    );
}

describeChart("the Traefik values against the chart's own values.schema.json", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8"));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);

    it.each(STACK_FILES.map((f) => [stackName(f), f]))(
        "the values the %s stack passes validate",
        async (_, file) => {
            const program = await runStackFile(file);
            const values = program.inputs(program.one("kubernetes:helm.sh/v3:Release")).values;
            validate(values);
            expect(validate.errors ?? []).toEqual([]);
        },
    );

    it("rejects a value of the wrong shape (the schema is really applied)", () => {
        const broken = { ...traefikValues(), ports: { traefik: { expose: true } } };
        expect(validate(broken)).toBe(false);
    });
});

describe("Traefik with a secured API", () => {
    let program: Program;

    beforeAll(async () => {
        program = await runStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
        expect(program.result.error).toBeUndefined();
    });

    it("never enables the insecure API nor exposes the traefik entrypoint", () => {
        const values = program.inputs(program.one("kubernetes:helm.sh/v3:Release")).values;
        expect(values.api?.insecure).toBeUndefined();
        expect(values.ports.traefik.expose).toEqual({ default: false });
        expect(values.ingressRoute.dashboard.enabled).toBe(false);
        expect(JSON.stringify(values)).not.toMatch(/api\.insecure/i);
    });

    it("routes the dashboard on websecure with TLS, behind the allow-list and basic auth", () => {
        const route = program.inputs(
            program.one("kubernetes:traefik.io/v1alpha1:IngressRoute", "traefik-dashboard"),
        );
        expect(route.spec.entryPoints).toEqual(["websecure"]);
        expect(route.spec.tls).toEqual({});
        const [rule] = route.spec.routes;
        expect(rule.match).toContain("Host(`traefik.flex4apps.localhost`)");
        expect(rule.services).toEqual([{ name: "api@internal", kind: "TraefikService" }]);
        expect(rule.middlewares.map((m: { name: string }) => m.name)).toEqual([
            "dashboard-allowlist",
            "dashboard-auth",
        ]);
        const auth = program.inputs(
            program.one("kubernetes:traefik.io/v1alpha1:Middleware", "traefik-dashboard-auth"),
        );
        expect(auth.spec.basicAuth.secret).toBe("traefik-dashboard-users");
        const allowList = program.inputs(
            program.one("kubernetes:traefik.io/v1alpha1:Middleware", "traefik-dashboard-allowlist"),
        );
        expect(allowList.spec.ipAllowList.sourceRange).toEqual(["127.0.0.0/8", "172.16.0.0/12"]);
    });

    it("creates Kubernetes objects that validate against the Kubernetes and Traefik schemas", () => {
        const types = [
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:traefik.io/v1alpha1:Middleware",
            "kubernetes:traefik.io/v1alpha1:IngressRoute",
        ];
        const objects = program.resources
            .filter((r) => types.includes(r.type))
            .map((r) => {
                const [apiVersion, kind] = r.type.replace(/^kubernetes:/, "").split(":");
                const inputs = program.inputs(r);
                return {
                    apiVersion: apiVersion.replace(/^core\//, ""),
                    kind,
                    ...inputs,
                };
            });
        expect(objects.length).toBe(6);
        expect(validateObjects(objects)).toEqual(objects.map(() => ""));
        // The validator does reject a broken object.
        const broken = {
            ...objects.find((o) => o.kind === "Middleware"),
            spec: { basicAuth: { secret: 5 } },
        };
        expect(validateObjects([broken])[0]).toMatch(/basicAuth/);
    });

    const itWithHtpasswd = HTPASSWD ? it : it.skip;
    itWithHtpasswd(
        "stores bcrypt htpasswd entries, as a secret, that Apache's htpasswd verifies",
        () => {
            const secret = program.one("kubernetes:core/v1:Secret", "traefik-dashboard-users");
            const users = (secret.inputs.stringData as Record<string, unknown>).users;
            expect(isSecretValue(users) || isSecretValue(secret.inputs.stringData)).toBe(true);
            const lines = (program.inputs(secret).stringData.users as string).split("\n");
            const passwords = program.result.exports.dashboardPasswords.value as Record<
                string,
                string
            >;
            expect(lines).toHaveLength(Object.keys(passwords).length);
            for (const line of lines) {
                const user = line.split(":")[0];
                expect(line).toMatch(/^[^:]+:\$2y\$10\$[./A-Za-z0-9]{53}$/);
                expect(htpasswdVerifies(line, user, passwords[user])).toBe(true);
                expect(htpasswdVerifies(line, user, `x${passwords[user].slice(1)}`)).toBe(false);
            }
        },
    );

    it("keeps a hash the same from one deployment to the next (same password, same salt)", async () => {
        const again = await runStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
        const users = (p: Program) =>
            p.inputs(p.one("kubernetes:core/v1:Secret", "traefik-dashboard-users")).stringData
                .users;
        expect(users(again)).toBe(users(program));
        const salt = Buffer.alloc(16, 1).toString("base64");
        expect(htpasswdEntry("admin", "correct horse", salt)).toBe(
            htpasswdEntry("admin", "correct horse", salt),
        );
        expect(htpasswdEntry("admin", "correct horse", salt)).not.toBe(
            htpasswdEntry("admin", "correct horse", Buffer.alloc(16, 2).toString("base64")),
        );
    });
});
