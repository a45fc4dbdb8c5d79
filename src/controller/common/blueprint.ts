// What a template hands to the Sandboxes built from it (warm-pool members and cold claim starts), the
// secure defaults of §2.7, and the hashes and semantic comparison that decide staleness.
import type { PodSpec, v1beta1 } from "../../api";
import { hashOf, jsonEqual } from "./canonical";

export interface Blueprint {
  readonly podTemplate: v1beta1.PodTemplate;
  readonly volumeClaimTemplates?: ReadonlyArray<v1beta1.PersistentVolumeClaimTemplate>;
  readonly service?: boolean;
}

export const blueprintOf = (spec: v1beta1.SandboxTemplateSpec): Blueprint => ({
  podTemplate: spec.podTemplate,
  ...(spec.volumeClaimTemplates ? { volumeClaimTemplates: spec.volumeClaimTemplates } : {}),
  ...(spec.service !== undefined ? { service: spec.service } : {}),
});

export const blueprintHash = (spec: v1beta1.SandboxTemplateSpec): string => hashOf(blueprintOf(spec));
export const podTemplateHash = (spec: v1beta1.SandboxTemplateSpec): string => hashOf(spec.podTemplate);

/** True when the template gets the secure-default NetworkPolicy, which blocks cluster DNS. */
export const usesSecureDefaultPolicy = (spec: v1beta1.SandboxTemplateSpec): boolean =>
  (spec.networkPolicyManagement ?? "Managed") === "Managed" && spec.networkPolicy === undefined;

/**
 * §2.7: no service-account token unless asked for, and, where the default NetworkPolicy blocks cluster DNS,
 * resolvers that are reachable (configurable: upstream hard-codes public ones).
 */
export const applySecureDefaults = (
  pod: PodSpec,
  template: v1beta1.SandboxTemplateSpec,
  nameservers: ReadonlyArray<string>,
): PodSpec => {
  let out: PodSpec = pod;
  if (out.automountServiceAccountToken === undefined) out = { ...out, automountServiceAccountToken: false };
  if (usesSecureDefaultPolicy(template) && out.dnsPolicy === undefined && nameservers.length > 0)
    out = {
      ...out,
      dnsPolicy: "None",
      dnsConfig: { ...(out.dnsConfig ?? {}), nameservers: [...nameservers] },
    };
  return out;
};

/**
 * Whether a member built earlier still matches the template: pod spec (after secure defaults), volume claim
 * templates and the service switch. Template metadata edits never make a member stale.
 */
export const sameBlueprint = (
  member: v1beta1.SandboxSpec,
  template: v1beta1.SandboxTemplateSpec,
  nameservers: ReadonlyArray<string>,
): boolean =>
  jsonEqual(member.podTemplate.spec, applySecureDefaults(template.podTemplate.spec, template, nameservers)) &&
  jsonEqual(member.volumeClaimTemplates ?? [], template.volumeClaimTemplates ?? []) &&
  (member.service ?? null) === (template.service ?? null);
