import * as fs from "fs";
import * as path from "path";
import {
    isSecretValue,
    plain,
    runProgramUnderMocks,
    type MockRunResult,
    type RegisteredResource,
} from "../../tools/lib/mock-run";
import * as YAML from "yaml";
import {
    applyProjectConfig,
    parseProjectConfig,
    readStackConfig,
    type ProjectConfig,
} from "../../tools/lib/stack-config";

export const ROOT = path.resolve(__dirname, "../..");
export const PROJECT = "flex4apps";

/** Every stack file this project ships. */
export const STACK_FILES = fs
    .readdirSync(ROOT)
    .filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file))
    .map((file) => path.join(ROOT, file));

export function stackName(file: string): string {
    return path.basename(file).replace(/^Pulumi\.|\.yaml$/g, "");
}

/** What Pulumi.yaml declares: the defaults the CLI puts beneath a stack's config. */
export function projectConfig(): ProjectConfig {
    const file = path.join(ROOT, "Pulumi.yaml");
    const project = YAML.parse(fs.readFileSync(file, "utf8"));
    return parseProjectConfig(project.config, PROJECT, file);
}

/**
 * Runs the real program (index.ts) for a stack file, under the SDK's mocks, with the config
 * the CLI would hand it: the stack file over Pulumi.yaml's defaults.
 */
export async function runStackFile(file: string): Promise<Program> {
    const { config, secretKeys } = applyProjectConfig(
        readStackConfig(file, PROJECT),
        projectConfig(),
        path.basename(file),
    );
    jest.resetModules();
    return new Program(
        await runProgramUnderMocks({
            program: path.join(ROOT, "index.ts"),
            project: PROJECT,
            stack: stackName(file),
            config,
            secretKeys,
        }),
    );
}

/**
 * Runs the real program with config given as objects: `plainConfig` as a stack file's plain
 * values, `secretConfig` as values set with `pulumi config set --secret`, over Pulumi.yaml's
 * defaults. Keys the project requires are not enforced here, so that the program's own
 * checks of a missing key can be seen.
 */
export async function runWithConfig(
    plainConfig: Record<string, unknown>,
    secretConfig: Record<string, unknown> = {},
): Promise<Program> {
    const config: Record<string, string> = { ...projectConfig().defaults };
    const encode = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
    for (const [key, value] of Object.entries({ ...plainConfig, ...secretConfig })) {
        config[`${PROJECT}:${key}`] = encode(value);
    }
    jest.resetModules();
    return new Program(
        await runProgramUnderMocks({
            program: path.join(ROOT, "index.ts"),
            project: PROJECT,
            stack: "test",
            config,
            secretKeys: Object.keys(secretConfig).map((key) => `${PROJECT}:${key}`),
        }),
    );
}

/** What one run of the program registered, with lookups the tests share. */
export class Program {
    constructor(readonly result: MockRunResult) {}

    get resources(): RegisteredResource[] {
        return this.result.resources;
    }

    ofType(type: string): RegisteredResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    one(type: string, name?: string): RegisteredResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
        }
        return found[0];
    }

    /** A resource's inputs with secret markers removed. */
    inputs(resource: RegisteredResource): Record<string, any> {
        return plain(resource.inputs) as Record<string, any>;
    }

    byUrn(urn: string | undefined): RegisteredResource | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    /** The provider resource a resource is bound to. */
    providerOf(resource: RegisteredResource): RegisteredResource | undefined {
        const urn = resource.provider?.split("::").slice(0, -1).join("::");
        return this.byUrn(urn);
    }

    /** The component a resource was declared in, going up the parents. */
    componentOf(resource: RegisteredResource): RegisteredResource | undefined {
        let parent = this.byUrn(resource.parent);
        while (parent && parent.custom) {
            parent = this.byUrn(parent.parent);
        }
        return parent;
    }
}

export { isSecretValue, plain };

/** True when a wire-form value is secret or holds a secret somewhere inside. */
export function containsSecret(value: unknown): boolean {
    if (isSecretValue(value)) {
        return true;
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(containsSecret);
    }
    return false;
}

/** The Traefik chart's reference files, when ../shared is there. */
export const CHART_DIR = path.resolve(ROOT, "../shared/reference/traefik-chart-41.3.0");
export const HAVE_CHART = fs.existsSync(path.join(CHART_DIR, "values.schema.json"));
