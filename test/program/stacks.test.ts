import { readStackConfig } from "../../tools/lib/stack-config";
import { PROJECT, runStackFile, STACK_FILES, stackName, type Program } from "../support/program";

const CONTAINER = "docker:index/container:Container";
const DOCKER_PROVIDER = "pulumi:providers:docker";

interface StackHost {
    name: string;
    url: string;
    address: string;
}

describe.each(STACK_FILES.map((file) => [stackName(file), file]))("the %s stack", (_, file) => {
    let program: Program;
    let hosts: StackHost[];

    beforeAll(async () => {
        program = await runStackFile(file);
        hosts = JSON.parse(readStackConfig(file, PROJECT).config[`${PROJECT}:dockerHosts`]);
    });

    it("runs without error and logs no warning or error", () => {
        expect(program.result.error).toBeUndefined();
        expect(program.result.logs.filter((log) => log.severity !== "info")).toEqual([]);
    });

    it("declares one explicit Docker provider per host, on the host's URL", () => {
        const providers = program.ofType(DOCKER_PROVIDER);
        expect(providers.map((p) => program.inputs(p).host).sort()).toEqual(
            hosts.map((h) => h.url).sort(),
        );
        for (const provider of providers) {
            expect(program.componentOf(provider)?.type).toBe("flex4apps:docker:DockerHost");
        }
    });

    it("binds every published port to its host's address, never to all interfaces", () => {
        const containers = program.ofType(CONTAINER);
        expect(containers.length).toBeGreaterThan(0);
        for (const container of containers) {
            const provider = program.providerOf(container);
            const host = hosts.find((h) => h.url === program.inputs(provider!).host);
            expect(host).toBeDefined();
            for (const port of program.inputs(container).ports ?? []) {
                expect(port.ip).toBe(host!.address);
                expect(["0.0.0.0", "::", ""]).not.toContain(port.ip);
            }
        }
    });

    it("binds every Docker resource to an explicit provider, never the default one", () => {
        const dockerResources = program.resources.filter((r) => r.type.startsWith("docker:"));
        for (const resource of dockerResources) {
            expect(program.providerOf(resource)?.type).toBe(DOCKER_PROVIDER);
        }
    });

    it("declares every resource inside a flex4apps component", () => {
        const components = program.resources.filter((r) => !r.custom);
        expect(components.length).toBeGreaterThan(0);
        for (const component of components) {
            expect(component.type).toMatch(/^flex4apps:[a-z]+:[A-Z][A-Za-z]+$/);
        }
        for (const resource of program.resources.filter((r) => r.custom)) {
            expect(program.componentOf(resource)?.type).toMatch(/^flex4apps:/);
        }
    });

    it("runs Traefik from the official chart 41.3.0 in its own namespace", () => {
        const release = program.one("kubernetes:helm.sh/v3:Release");
        const inputs = program.inputs(release);
        expect(inputs.chart).toBe("traefik");
        expect(inputs.version).toBe("41.3.0");
        expect(inputs.repositoryOpts.repo).toBe("https://traefik.github.io/charts");
        const namespace = program.one("kubernetes:core/v1:Namespace", "traefik-namespace");
        expect(inputs.namespace).toBe(program.inputs(namespace).metadata.name);
        expect(program.providerOf(release)?.type).toBe("pulumi:providers:kubernetes");
    });

    it("exports the kubeconfig, tokens and passwords as secrets only", () => {
        const exports = program.result.exports;
        for (const key of ["kubeconfig", "rancherToken", "rancherAdminPassword"]) {
            expect(exports[key]).toBeDefined();
            expect(exports[key].secret).toBe(true);
        }
        expect(exports.dashboardPasswords.secret).toBe(true);
        expect(exports.dashboardUrl.secret).toBe(false);
        expect(exports.dashboardUrl.value).toMatch(/^https:\/\/traefik\.[a-z0-9.-]+\/dashboard\/$/);
        expect(exports.rancherUrl.value).toMatch(/^https:\/\//);
    });
});
