import { at, KubernetesObject, kubernetesObjectsOf } from "./kubernetesObjects";
import { ResourceView } from "./policy";
import {
    field,
    integer,
    isRecord,
    isTrue,
    isUnknown,
    list,
    Plain,
    PlainRecord,
    record,
    text,
} from "./values";

/** A container port published on a host: Docker `ports`, swarm `endpointSpec`, `hostPort`. */
export interface PortBinding {
    containerPort?: number;
    /** Absent when the engine picks a free port. */
    hostPort?: number;
    /** Absent means every interface of the host. */
    hostIp?: string;
    /** The bind address is not known yet (preview): the binding cannot be judged. */
    hostIpUnknown?: boolean;
    protocol: string;
    field: string;
    /** Stands for every port the image EXPOSEs (`publishAllPorts`), which the image alone knows. */
    everyExposedPort?: boolean;
    /** A pod port in the host network without a `hostPort`: the port the process listens on. */
    fromHostNetwork?: boolean;
}

/** One container, whatever resource declares it, read into the terms the policies use. */
export interface WorkloadContainer {
    /** The resource field the container is declared at ("" for a docker Container). */
    field: string;
    image: string;
    /** Entrypoint, command and arguments, split into words. */
    arguments: string[];
    environment: Map<string, string>;
    labels: Map<string, string>;
    /** Host paths mounted into the container. */
    hostPaths: string[];
    bindings: PortBinding[];
    /** Shares the host's network: every port it listens on is a port of the host. */
    hostNetwork: boolean;
    /** Ports the container declares it listens on. */
    declaredPorts: number[];
    /** Files written into the container (docker `uploads`), by path. */
    files: Map<string, string>;
}

/** The repository of an image reference, without registry, tag or digest: `rancher/rancher`. */
export function imageRepository(image: string): string {
    const withoutDigest = image.trim().toLowerCase().split("@")[0];
    const parts = withoutDigest.split("/");
    const last = parts.pop() ?? "";
    parts.push(last.split(":")[0]);
    if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) {
        parts.shift();
    }
    if (parts.length > 1 && parts[0] === "library") {
        parts.shift();
    }
    return parts.join("/");
}

/**
 * The forms an image's repository is known by: as written (registry dropped, so a mirror's path
 * prefix stays: `mirror/rancher/rancher`), and for Rancher's mirrors of other projects' images
 * (`rancher/mirrored-kubernetesui-dashboard`, `rancher/mirrored-library-traefik`) the original
 * (`kubernetesui/dashboard`, `traefik`). Match them with a pattern anchored at `(^|\/)`.
 */
export function imageRepositories(image: string): string[] {
    const repository = imageRepository(image);
    const mirrored = /(?:^|\/)mirrored-([a-z0-9]+)-(.+)$/.exec(repository);
    if (!mirrored) {
        return [repository];
    }
    return [repository, mirrored[1] === "library" ? mirrored[2] : `${mirrored[1]}/${mirrored[2]}`];
}

/** Whether an image is, in any of its forms, a repository the pattern matches. */
export function imageIs(image: string, pattern: RegExp): boolean {
    return imageRepositories(image).some((repository) => pattern.test(repository));
}

/**
 * Ports images are known to EXPOSE, for `publishAllPorts`: docker:dind exposes the Engine API.
 * Any other image gets one binding that stands for every port it exposes.
 */
function exposedPortsOf(image: string): number[] {
    return imageIs(image, /(^|\/)docker$/) && /dind/i.test(image) ? [2375, 2376] : [];
}

function publishAllBindings(props: PlainRecord): PortBinding[] {
    if (!isTrue(props.publishAllPorts)) {
        return [];
    }
    const known = exposedPortsOf(text(props.image) ?? "");
    if (known.length > 0) {
        return known.map((containerPort) => ({
            containerPort,
            protocol: "tcp",
            field: "publishAllPorts",
        }));
    }
    return [{ protocol: "tcp", field: "publishAllPorts", everyExposedPort: true }];
}

/** Files uploaded into a docker Container, by path: `content`, or `contentBase64` decoded. */
function uploadedFiles(uploads: Plain | undefined): Map<string, string> {
    const files = new Map<string, string>();
    for (const upload of list(uploads)) {
        const file = text(field(upload, "file"));
        const content = text(field(upload, "content"));
        const encoded = text(field(upload, "contentBase64"));
        if (file !== undefined && (content ?? encoded) !== undefined) {
            files.set(file, content ?? Buffer.from(encoded ?? "", "base64").toString("utf8"));
        }
    }
    return files;
}

/**
 * Splits command words as a POSIX shell does before the program sees them: blanks separate
 * words; single quotes keep everything up to the next one; double quotes keep everything, a
 * backslash before `"`, `\\`, `$` or a backquote escaping it; a backslash outside quotes keeps
 * the next character. Quotes are removed: `--api.insecure='true'` reads `--api.insecure=true`.
 */
export function shellWords(line: string): string[] {
    const words: string[] = [];
    let word = "";
    let started = false;
    for (let index = 0; index < line.length; index++) {
        const character = line[index];
        if (/\s/.test(character)) {
            if (started) {
                words.push(word);
            }
            word = "";
            started = false;
            continue;
        }
        started = true;
        if (character === "\\" && index + 1 < line.length) {
            word += line[++index];
        } else if (character === "'") {
            const end = line.indexOf("'", index + 1);
            const close = end < 0 ? line.length : end;
            word += line.slice(index + 1, close);
            index = close;
        } else if (character === '"') {
            for (index++; index < line.length && line[index] !== '"'; index++) {
                const escaped = line[index] === "\\" && /["\\$`]/.test(line[index + 1] ?? "");
                word += escaped ? line[++index] : line[index];
            }
        } else {
            word += character;
        }
    }
    if (started) {
        words.push(word);
    }
    return words;
}

/** Splits every command word that may be a shell string (`sh -c "…"`) into shell words. */
export function splitWords(values: Plain[]): string[] {
    return values
        .map((value) => text(value))
        .filter((word): word is string => word !== undefined)
        .flatMap(shellWords);
}

function keyValueList(values: Plain[]): Map<string, string> {
    const map = new Map<string, string>();
    for (const entry of values) {
        const line = text(entry);
        if (line !== undefined) {
            const separator = line.indexOf("=");
            map.set(
                separator < 0 ? line : line.slice(0, separator),
                separator < 0 ? "" : line.slice(separator + 1),
            );
        }
    }
    return map;
}

/** Docker labels: a list of `{ label, value }`, or a plain map in older providers. */
function dockerLabels(...sources: (Plain | undefined)[]): Map<string, string> {
    const labels = new Map<string, string>();
    for (const source of sources) {
        if (isRecord(source)) {
            for (const [key, value] of Object.entries(source)) {
                labels.set(key, text(value) ?? "");
            }
        }
        for (const entry of list(source)) {
            const label = text(field(entry, "label"));
            if (label !== undefined) {
                labels.set(label, text(field(entry, "value")) ?? "");
            }
        }
    }
    return labels;
}

function bindMountSources(mounts: Plain | undefined): string[] {
    return list(mounts)
        .filter((mount) => (text(field(mount, "type")) ?? "").toLowerCase() === "bind")
        .map((mount) => text(field(mount, "source")))
        .filter((source): source is string => source !== undefined);
}

function dockerContainer(props: PlainRecord): WorkloadContainer {
    const ports = list(props.ports);
    return {
        field: "",
        image: text(props.image) ?? "",
        arguments: splitWords([...list(props.entrypoints), ...list(props.command)]),
        environment: keyValueList(list(props.envs)),
        labels: dockerLabels(props.labels),
        hostPaths: [
            ...list(props.volumes)
                .map((volume) => text(field(volume, "hostPath")))
                .filter((path): path is string => path !== undefined),
            ...bindMountSources(props.mounts),
        ],
        bindings: [
            ...ports.map((port, index) => ({
                containerPort: integer(field(port, "internal")),
                hostPort: integer(field(port, "external")),
                hostIp: text(field(port, "ip")),
                hostIpUnknown: isUnknown(field(port, "ip")),
                protocol: (text(field(port, "protocol")) ?? "tcp").toLowerCase(),
                field: `ports[${index}]`,
            })),
            ...publishAllBindings(props),
        ],
        hostNetwork: text(props.networkMode) === "host",
        declaredPorts: ports
            .map((port) => integer(field(port, "internal")))
            .filter((port): port is number => port !== undefined),
        files: uploadedFiles(props.uploads),
    };
}

/** A swarm service: published ports go through the routing mesh on every node's interfaces. */
function dockerService(props: PlainRecord): WorkloadContainer {
    const spec = record(field(props, "taskSpec", "containerSpec"));
    const environment = new Map<string, string>();
    for (const [key, value] of Object.entries(record(spec.env))) {
        environment.set(key, text(value) ?? "");
    }
    const ports = list(field(props, "endpointSpec", "ports"));
    return {
        field: "taskSpec.containerSpec",
        image: text(spec.image) ?? "",
        arguments: splitWords([...list(spec.commands), ...list(spec.args)]),
        environment,
        labels: dockerLabels(props.labels, spec.labels),
        hostPaths: bindMountSources(spec.mounts),
        bindings: ports.map((port, index) => ({
            containerPort: integer(field(port, "targetPort")),
            hostPort: integer(field(port, "publishedPort")),
            protocol: (text(field(port, "protocol")) ?? "tcp").toLowerCase(),
            field: `endpointSpec.ports[${index}]`,
        })),
        hostNetwork: list(field(props, "taskSpec", "networksAdvanceds")).some(
            (network) => text(field(network, "name")) === "host",
        ),
        declaredPorts: [],
        files: new Map(),
    };
}

/** Where each workload kind keeps its pod spec. */
export const podSpecPaths: Record<string, string[]> = {
    Pod: ["spec"],
    Deployment: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    ReplicationController: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export function podContainers(object: KubernetesObject): WorkloadContainer[] {
    const path = podSpecPaths[object.kind];
    if (!path) {
        return [];
    }
    const podSpec = record(field(object.body, ...path));
    const hostNetwork = isTrue(podSpec.hostNetwork);
    const hostPathVolumes = new Map<string, string>();
    for (const volume of list(podSpec.volumes)) {
        const hostPath = text(field(volume, "hostPath", "path"));
        const name = text(field(volume, "name"));
        if (hostPath !== undefined && name !== undefined) {
            hostPathVolumes.set(name, hostPath);
        }
    }
    const containers: WorkloadContainer[] = [];
    for (const group of ["initContainers", "containers"]) {
        list(podSpec[group]).forEach((container, index) => {
            const containerField = at(object, `${path.join(".")}.${group}[${index}]`);
            containers.push(
                podContainer(record(container), containerField, hostNetwork, hostPathVolumes),
            );
        });
    }
    return containers;
}

/**
 * A pod's `env` list as variables. A variable set with `valueFrom` (a ConfigMap or Secret key,
 * a field of the pod) has a value only the cluster knows: it is left out, as unknown, unless the
 * stack policy has filled in its `value` from a ConfigMap or Secret of the stack.
 */
export function podEnvironment(env: Plain | undefined): Map<string, string> {
    const environment = new Map<string, string>();
    for (const variable of list(env)) {
        const name = text(field(variable, "name"));
        const value = field(variable, "value");
        if (name === undefined || isUnknown(value)) {
            continue;
        }
        if (value === undefined && field(variable, "valueFrom") !== undefined) {
            environment.delete(name);
            continue;
        }
        environment.set(name, text(value) ?? "");
    }
    return environment;
}

/**
 * A command word with `$(NAME)` replaced by the container's variable, as Kubernetes expands
 * command and args before the container starts; `$$(NAME)` stays literal as `$(NAME)`, and a
 * variable whose value is unknown stays unexpanded.
 */
export function expandVariables(word: Plain, environment: Map<string, string>): Plain {
    if (typeof word !== "string") {
        return word;
    }
    return word.replace(/\$(\$|\(([A-Za-z_][\w.-]*)\))/g, (whole, escape: string, name?: string) =>
        escape === "$" ? "$" : (environment.get(name ?? "") ?? whole),
    );
}

function podContainer(
    container: PlainRecord,
    containerField: string,
    hostNetwork: boolean,
    hostPathVolumes: Map<string, string>,
): WorkloadContainer {
    const environment = podEnvironment(container.env);
    const ports = list(container.ports);
    const bindings: PortBinding[] = [];
    ports.forEach((port, index) => {
        const containerPort = integer(field(port, "containerPort"));
        const declaredHostPort = integer(field(port, "hostPort"));
        const hostPort = declaredHostPort ?? (hostNetwork ? containerPort : undefined);
        if (hostPort !== undefined) {
            bindings.push({
                fromHostNetwork: declaredHostPort === undefined || undefined,
                containerPort,
                hostPort,
                hostIp: text(field(port, "hostIP")),
                hostIpUnknown: isUnknown(field(port, "hostIP")),
                protocol: (text(field(port, "protocol")) ?? "tcp").toLowerCase(),
                field: `${containerField}.ports[${index}]`,
            });
        }
    });
    return {
        field: containerField,
        image: text(container.image) ?? "",
        arguments: splitWords(
            [...list(container.command), ...list(container.args)].map((word) =>
                expandVariables(word, environment),
            ),
        ),
        environment,
        labels: new Map(),
        hostPaths: list(container.volumeMounts)
            .map((mount) => hostPathVolumes.get(text(field(mount, "name")) ?? ""))
            .filter((hostPath): hostPath is string => hostPath !== undefined),
        bindings,
        hostNetwork,
        declaredPorts: ports
            .map((port) => integer(field(port, "containerPort")))
            .filter((port): port is number => port !== undefined),
        files: new Map(),
    };
}

/** Every container a resource runs: Docker containers and services, and pod templates. */
export function containersOf(resource: ResourceView): WorkloadContainer[] {
    if (resource.type === "docker:index/container:Container") {
        return [dockerContainer(resource.props)];
    }
    if (resource.type === "docker:index/service:Service") {
        return [dockerService(resource.props)];
    }
    return kubernetesObjectsOf(resource).flatMap(podContainers);
}
