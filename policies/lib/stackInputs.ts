import { kubernetesObjectsOf } from "./kubernetesObjects";
import { ResourceView } from "./policy";
import {
    field,
    isRecord,
    isUnknown,
    list,
    Plain,
    PlainRecord,
    record,
    stringMap,
    text,
} from "./values";
import { podSpecPaths } from "./workloads";

/**
 * Inputs that a resource takes from other resources of the stack, read where only the stack
 * shows them: a container's image given as an image resource's id (`RemoteImage.imageId`, a
 * sha256 id at `up` and unknown in preview) and a pod's environment given by `envFrom`.
 */

/** Image resources and the input that names the image they pull or build. */
const imageResourceNames: Record<string, (props: PlainRecord) => string | undefined> = {
    "docker:index/remoteImage:RemoteImage": (props) => text(props.name),
    "docker:index/image:Image": (props) => text(props.imageName),
    "docker-build:index:Image": (props) => text(list(props.tags)[0]),
};

/** Whether an image input names no repository: unknown, empty, or an image id. */
function namesNoRepository(image: Plain | undefined): boolean {
    const value = isUnknown(image) ? "" : (text(image) ?? "");
    return value.trim() === "" || /^(sha256:)?[0-9a-f]{64}$/i.test(value.trim());
}

/**
 * The name of the image resource an input comes from: the one it depends on, else the only
 * image resource the resource depends on at all.
 */
function imageNameFromStack(
    resource: ResourceView,
    input: string,
    byUrn: Map<string, ResourceView>,
): string | undefined {
    const images = (urns: string[] | undefined) =>
        (urns ?? [])
            .map((urn) => byUrn.get(urn))
            .filter((image): image is ResourceView => !!image && image.type in imageResourceNames);
    const direct = images(resource.propertyDependencies?.[input]);
    const any = images(resource.dependencies);
    const image = direct[0] ?? (any.length === 1 ? any[0] : undefined);
    return image && imageResourceNames[image.type](image.props);
}

function withImage(resource: ResourceView, byUrn: Map<string, ResourceView>): ResourceView {
    if (resource.type === "docker:index/container:Container") {
        const name = namesNoRepository(resource.props.image)
            ? imageNameFromStack(resource, "image", byUrn)
            : undefined;
        return name ? { ...resource, props: { ...resource.props, image: name } } : resource;
    }
    if (resource.type === "docker:index/service:Service") {
        const spec = record(field(resource.props, "taskSpec", "containerSpec"));
        const name = namesNoRepository(spec.image)
            ? imageNameFromStack(resource, "taskSpec", byUrn)
            : undefined;
        if (!name) {
            return resource;
        }
        const taskSpec = {
            ...record(resource.props.taskSpec),
            containerSpec: { ...spec, image: name },
        };
        return { ...resource, props: { ...resource.props, taskSpec } };
    }
    return resource;
}

/** A ConfigMap or Secret of the stack, with the variables it holds. */
interface EnvironmentSource {
    kind: string;
    namespace: string;
    /** "" when the object is named by the provider (auto-naming). */
    name: string;
    urn: string;
    variables: Map<string, string>;
}

/** Variables of every ConfigMap and Secret in the stack. */
function environmentSources(resources: ResourceView[]): EnvironmentSource[] {
    const sources: EnvironmentSource[] = [];
    for (const resource of resources) {
        for (const object of kubernetesObjectsOf(resource)) {
            const variables = stringMap(object.kind === "Secret" ? object.body.stringData : {});
            if (object.kind === "ConfigMap") {
                for (const [name, value] of stringMap(object.body.data)) {
                    variables.set(name, value);
                }
            }
            if (object.kind === "Secret") {
                for (const [name, value] of stringMap(object.body.data)) {
                    variables.set(name, Buffer.from(value, "base64").toString("utf8"));
                }
            }
            if (object.kind === "ConfigMap" || object.kind === "Secret") {
                const { kind, namespace, name } = object;
                sources.push({ kind, namespace, name, urn: resource.urn, variables });
            }
        }
    }
    return sources;
}

/**
 * The ConfigMap or Secret a reference names: by its literal name in the pod's namespace, else,
 * for a name taken from another resource (`cm.metadata.name`, auto-named), the only source of
 * that kind without a literal name that the resource depends on.
 */
function referencedSource(
    kind: string,
    name: Plain | undefined,
    namespace: string,
    sources: EnvironmentSource[],
    dependencies: Set<string>,
): Map<string, string> | undefined {
    const literal = isUnknown(name) ? undefined : text(name);
    const named = sources.find(
        (source) =>
            source.kind === kind && source.namespace === namespace && source.name === literal,
    );
    if (named && literal) {
        return named.variables;
    }
    const linked = sources.filter(
        (source) => source.kind === kind && source.name === "" && dependencies.has(source.urn),
    );
    return linked.length === 1 ? linked[0].variables : undefined;
}

/**
 * A container with its `envFrom` ConfigMaps and Secrets laid into `env` (its own win), and
 * `valueFrom` keys of ConfigMaps and Secrets of the stack read into `value`.
 */
function withEnvFrom(
    container: Plain,
    lookup: (kind: string, name: Plain | undefined) => Map<string, string> | undefined,
): Plain {
    if (!isRecord(container)) {
        return container;
    }
    const env: Plain[] = [];
    for (const source of list(container.envFrom)) {
        const prefix = text(field(source, "prefix")) ?? "";
        const variables =
            (field(source, "configMapRef") !== undefined &&
                lookup("ConfigMap", field(source, "configMapRef", "name"))) ||
            (field(source, "secretRef") !== undefined &&
                lookup("Secret", field(source, "secretRef", "name"))) ||
            new Map<string, string>();
        for (const [name, value] of variables) {
            env.push({ name: `${prefix}${name}`, value });
        }
    }
    for (const variable of list(container.env)) {
        const configMapKey = field(variable, "valueFrom", "configMapKeyRef");
        const secretKey = field(variable, "valueFrom", "secretKeyRef");
        const reference = configMapKey ?? secretKey;
        const variables =
            reference === undefined
                ? undefined
                : lookup(configMapKey ? "ConfigMap" : "Secret", field(reference, "name"));
        const value = variables?.get(text(field(reference, "key")) ?? "");
        env.push(value === undefined ? variable : { ...record(variable), value });
    }
    return env.length === 0 && container.env === undefined ? container : { ...container, env };
}

function withEnvironment(resource: ResourceView, sources: EnvironmentSource[]): ResourceView {
    const [object] = kubernetesObjectsOf(resource);
    const path = object && object.field === "" ? podSpecPaths[object.kind] : undefined;
    if (!object || !path) {
        return resource;
    }
    const dependencies = new Set(resource.dependencies ?? []);
    const lookup = (kind: string, name: Plain | undefined) =>
        referencedSource(kind, name, object.namespace, sources, dependencies);
    const podSpec = record(field(object.body, ...path));
    const changed: PlainRecord = { ...podSpec };
    for (const group of ["initContainers", "containers"]) {
        if (podSpec[group] !== undefined) {
            changed[group] = list(podSpec[group]).map((container) =>
                withEnvFrom(container, lookup),
            );
        }
    }
    let props: PlainRecord = changed;
    for (let depth = path.length - 1; depth >= 0; depth--) {
        const parent = record(field(resource.props, ...path.slice(0, depth)));
        props = { ...parent, [path[depth]]: props };
    }
    return { ...resource, props };
}

/**
 * The resources of a stack whose inputs change once other resources are read into them, as
 * they would run: images named, environment filled in. Resources the stack does not change are
 * left out.
 */
export function resourcesWithStackInputs(resources: ResourceView[]): ResourceView[] {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const sources = environmentSources(resources);
    return resources
        .map((resource) => ({
            original: resource,
            resolved: withEnvironment(withImage(resource, byUrn), sources),
        }))
        .filter(
            ({ original, resolved }) =>
                JSON.stringify(original.props) !== JSON.stringify(resolved.props),
        )
        .map(({ resolved }) => resolved);
}
