// SandboxTemplate reconciler, pure half (§2.4): the template label and the one NetworkPolicy per template.
import type { NetworkPolicy, NetworkPolicySpec, v1beta1 } from "../../api";
import {
  LABEL_APP,
  LABEL_NAMESPACE_NAME,
  LABEL_SANDBOX_TEMPLATE_REF_HASH,
  nameHash,
  networkPolicyName,
  ROUTER_APP_LABEL_VALUE,
} from "../../api";
import type { Action, JsonObject, ObjectKey, Plan } from "../common/actions";
import { jsonEqual } from "../common/canonical";
import { controllerRef, isControlledBy, isDeleting } from "../common/meta";
import { json } from "../sandbox/children";

export interface TemplateObserved {
  readonly template: v1beta1.SandboxTemplate;
  /** The NetworkPolicy named `<template>-network-policy`, if any. */
  readonly networkPolicy: NetworkPolicy | undefined;
  /** Namespace of the router pods the secure default admits; "" = the template's own namespace. */
  readonly routerNamespace: string;
}

/** Private, link-local and unique-local ranges: the secure default keeps sandboxes off the cluster network. */
const BLOCKED_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];
const BLOCKED_V6 = ["fc00::/7", "fe80::/10"];

export const desiredNetworkPolicySpec = (
  template: v1beta1.SandboxTemplate,
  routerNamespace: string,
): NetworkPolicySpec => {
  const podSelector = {
    matchLabels: { [LABEL_SANDBOX_TEMPLATE_REF_HASH]: nameHash(template.metadata.name ?? "") },
  };
  const policyTypes = ["Ingress", "Egress"] as const;
  const custom = template.spec.networkPolicy;
  if (custom !== undefined)
    return { podSelector, policyTypes, ingress: custom.ingress ?? [], egress: custom.egress ?? [] };
  const namespace = routerNamespace === "" ? (template.metadata.namespace ?? "") : routerNamespace;
  return {
    podSelector,
    policyTypes,
    ingress: [
      {
        // One peer with both selectors: the pod must be a router AND live in the router's namespace.
        from: [
          {
            podSelector: { matchLabels: { [LABEL_APP]: ROUTER_APP_LABEL_VALUE } },
            namespaceSelector: { matchLabels: { [LABEL_NAMESPACE_NAME]: namespace } },
          },
        ],
      },
    ],
    egress: [
      {
        to: [
          { ipBlock: { cidr: "0.0.0.0/0", except: BLOCKED_V4 } },
          { ipBlock: { cidr: "::/0", except: BLOCKED_V6 } },
        ],
      },
    ],
  };
};

export const planTemplate = (o: TemplateObserved): Plan => {
  const { template } = o;
  if (isDeleting(template.metadata)) return { actions: [] };
  const actions: Action[] = [];
  const namespace = template.metadata.namespace ?? "";
  const name = template.metadata.name ?? "";
  const hash = nameHash(name);
  if (template.metadata.labels?.[LABEL_SANDBOX_TEMPLATE_REF_HASH] !== hash)
    actions.push({
      _tag: "Patch",
      key: { kind: "SandboxTemplate", namespace, name },
      patch: { metadata: { labels: { [LABEL_SANDBOX_TEMPLATE_REF_HASH]: hash } } },
    });

  const np = o.networkPolicy;
  const npKey: ObjectKey = { kind: "NetworkPolicy", namespace, name: networkPolicyName(name) };
  const owned = np !== undefined && isControlledBy(np.metadata, template.metadata.uid);
  if (template.spec.networkPolicyManagement === "Unmanaged") {
    if (owned)
      actions.push({ _tag: "Delete", key: npKey, ...(np.metadata.uid ? { uid: np.metadata.uid } : {}) });
    return { actions };
  }
  const spec = desiredNetworkPolicySpec(template, o.routerNamespace);
  if (np === undefined) {
    actions.push({
      _tag: "Create",
      kind: "NetworkPolicy",
      object: buildNetworkPolicy(template, spec),
      onAlreadyExists: "requeue",
    });
  } else if (!owned) {
    // Never touch a NetworkPolicy someone else made, even if it has our name.
    actions.push({
      _tag: "Event",
      regarding: { kind: "SandboxTemplate", namespace, name, uid: template.metadata.uid ?? "" },
      type: "Warning",
      reason: "NetworkPolicyNotOwned",
      message: `NetworkPolicy ${npKey.name} exists and is not owned by this template; leaving it alone`,
    });
  } else if (!jsonEqual(np.spec, spec)) {
    actions.push({
      _tag: "Patch",
      key: npKey,
      ...(np.metadata.resourceVersion ? { resourceVersion: np.metadata.resourceVersion } : {}),
      patch: { spec: json(spec) },
    });
  }
  return { actions };
};

const buildNetworkPolicy = (template: v1beta1.SandboxTemplate, spec: NetworkPolicySpec): JsonObject =>
  json({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: networkPolicyName(template.metadata.name ?? ""),
      namespace: template.metadata.namespace,
      ownerReferences: [controllerRef(template)],
    },
    spec,
  });
