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

/** Variables of every ConfigMap and Secret in the stack, by `Kind namespace/name`. */
function environmentSources(resources: ResourceView[]): Map<string, Map<string, string>> {
    const sources = new Map<string, Map<string, string>>();
    for (const object of resources.flatMap(kubernetesObjectsOf)) {
        const key = `${object.kind} ${object.namespace}/${object.name}`;
        if (object.kind === "ConfigMap") {
            sources.set(key, stringMap(object.body.data));
        }
        if (object.kind === "Secret") {
            const variables = stringMap(object.body.stringData);
            for (const [name, value] of stringMap(object.body.data)) {
                variables.set(name, Buffer.from(value, "base64").toString("utf8"));
            }
            sources.set(key, variables);
        }
    }
    return sources;
}

/** A container with its `envFrom` ConfigMaps and Secrets laid into `env` (its own win). */
function withEnvFrom(
    container: Plain,
    namespace: string,
    sources: Map<string, Map<string, string>>,
): Plain {
    if (!isRecord(container) || list(container.envFrom).length === 0) {
        return container;
    }
    const env: Plain[] = [];
    for (const source of list(container.envFrom)) {
        const prefix = text(field(source, "prefix")) ?? "";
        const configMap = text(field(source, "configMapRef", "name"));
        const secret = text(field(source, "secretRef", "name"));
        const variables =
            (configMap && sources.get(`ConfigMap ${namespace}/${configMap}`)) ||
            (secret && sources.get(`Secret ${namespace}/${secret}`)) ||
            new Map<string, string>();
        for (const [name, value] of variables) {
            env.push({ name: `${prefix}${name}`, value });
        }
    }
    return { ...container, env: [...env, ...list(container.env)] };
}

function withEnvironment(
    resource: ResourceView,
    sources: Map<string, Map<string, string>>,
): ResourceView {
    const [object] = kubernetesObjectsOf(resource);
    const path = object && object.field === "" ? podSpecPaths[object.kind] : undefined;
    if (!object || !path) {
        return resource;
    }
    const podSpec = record(field(object.body, ...path));
    const changed: PlainRecord = { ...podSpec };
    for (const group of ["initContainers", "containers"]) {
        if (podSpec[group] !== undefined) {
            changed[group] = list(podSpec[group]).map((container) =>
                withEnvFrom(container, object.namespace, sources),
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
