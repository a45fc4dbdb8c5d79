// The built-in kinds this server stores: the kinds ../discovery describes, plus the storage rules discovery
// does not carry (name format, field selectors, scale paths).
import { BUILTIN_RESOURCES as DESCRIBED } from "../discovery/builtin";
import type { ResourceInfo } from "../discovery/types";
import { type ResourceDef, resourceId } from "./types";

interface StorageRules {
  readonly nameRule?: ResourceDef["nameRule"];
  readonly fieldLabels?: ReadonlyArray<string>;
  readonly scale?: ResourceDef["scale"];
}

const EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

/** Keyed by `resourceId`. RBAC names are path segments, not DNS names, as in kube-apiserver. */
const RULES: Readonly<Record<string, StorageRules>> = {
  namespaces: { nameRule: "label", fieldLabels: ["status.phase"] },
  pods: {
    fieldLabels: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  },
  secrets: { fieldLabels: ["type"] },
  events: { fieldLabels: EVENT_FIELDS },
  "roles.rbac.authorization.k8s.io": { nameRule: "path" },
  "rolebindings.rbac.authorization.k8s.io": { nameRule: "path" },
  "clusterroles.rbac.authorization.k8s.io": { nameRule: "path" },
  "clusterrolebindings.rbac.authorization.k8s.io": { nameRule: "path" },
  "deployments.apps": {
    scale: {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.selector",
    },
  },
};

const toDef = (info: ResourceInfo): ResourceDef => {
  const rules = RULES[resourceId(info)] ?? {};
  const createOnly = info.verbs.length === 1 && info.verbs[0] === "create";
  return {
    group: info.group,
    versions: info.servedVersions,
    storageVersion: info.storageVersion ?? info.version,
    kind: info.kind,
    listKind: info.listKind,
    plural: info.plural,
    singular: info.singular,
    shortNames: info.shortNames,
    categories: info.categories,
    namespaced: info.namespaced,
    statusSubresource: info.subresources.some((s) => s.name === "status"),
    ...(rules.scale && info.subresources.some((s) => s.name === "scale") ? { scale: rules.scale } : {}),
    nameRule: rules.nameRule ?? "subdomain",
    builtin: true,
    fieldLabels: rules.fieldLabels ?? [],
    ...(createOnly ? { virtual: true } : {}),
  };
};

/** One definition per resource (discovery lists one entry per served version). */
export const BUILTIN_RESOURCES: ReadonlyArray<ResourceDef> = [
  ...new Map(DESCRIBED.map((info) => [resourceId(info), toDef(info)])).values(),
];
