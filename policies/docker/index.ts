import { dockerDaemonNotListeningOnPublicTcp } from "./daemonTcp";
import { dockerEngineApiRequiresTls } from "./engineApiTls";
import { dockerEngineApiPortNotPublic } from "./enginePort";
import { dockerSocketNotPublished } from "./socketPublished";

/** The policies that keep the Docker Engine API off public networks. */
export const dockerPolicies = [
    dockerEngineApiRequiresTls,
    dockerEngineApiPortNotPublic,
    dockerDaemonNotListeningOnPublicTcp,
    dockerSocketNotPublished,
];
