import { PolicyPack } from "@pulumi/policy";

import { dockerPolicies } from "./docker";
import { kubernetesPolicies } from "./kubernetes";
import { rancherPolicies } from "./rancher";
import { stackPolicies } from "./stack";
import { traefikPolicies } from "./traefik";

new PolicyPack("flex4apps-no-public-api", {
    policies: [
        ...dockerPolicies,
        ...kubernetesPolicies,
        ...traefikPolicies,
        ...rancherPolicies,
        ...stackPolicies,
    ],
    enforcementLevel: "mandatory",
});
