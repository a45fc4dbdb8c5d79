// Claim env and volumeClaimTemplates merged into the template's, under the template's policies (§2.6 step 5).
import type { Container, PodSpec, v1beta1 } from "../../api";

export type Injected<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };
const ok = <T>(value: T): Injected<T> => ({ ok: true, value });
const err = <T>(error: string): Injected<T> => ({ ok: false, error });

export const injectEnv = (
  spec: PodSpec,
  env: ReadonlyArray<v1beta1.ClaimEnvVar> | undefined,
  policy: v1beta1.EnvVarsInjectionPolicy,
): Injected<PodSpec> => {
  if (env === undefined || env.length === 0) return ok(spec);
  if (policy === "Disallowed") return err("the template does not allow claims to set environment variables");
  const containers: Container[] = [...spec.containers];
  for (const v of env) {
    const index = v.containerName === undefined ? 0 : containers.findIndex((c) => c.name === v.containerName);
    const container = containers[index];
    if (container === undefined) return err(`container "${v.containerName ?? ""}" does not exist`);
    const current = container.env ?? [];
    const existing = current.findIndex((e) => e.name === v.name);
    if (policy === "Allowed") {
      if (existing !== -1) return err(`environment variable "${v.name}" is set by the template`);
      // The value an envFrom source supplies is unknown here, so a new name could still shadow one.
      if ((container.envFrom ?? []).length > 0)
        return err(`container "${container.name}" uses envFrom; only the Overrides policy may add variables`);
    }
    const next = { name: v.name, value: v.value };
    const merged = existing === -1 ? [...current, next] : current.map((e, i) => (i === existing ? next : e));
    containers[index] = { ...container, env: merged };
  }
  return ok({ ...spec, containers });
};

export const mergeVolumeClaimTemplates = (
  template: ReadonlyArray<v1beta1.PersistentVolumeClaimTemplate> | undefined,
  claim: ReadonlyArray<v1beta1.PersistentVolumeClaimTemplate> | undefined,
  policy: v1beta1.VolumeClaimTemplatesPolicy,
): Injected<ReadonlyArray<v1beta1.PersistentVolumeClaimTemplate>> => {
  const base = template ?? [];
  if (claim === undefined || claim.length === 0) return ok(base);
  if (policy === "Disallowed") return err("the template does not allow claims to set volumeClaimTemplates");
  const names = claim.map((v) => v.metadata?.name ?? "");
  if (names.some((n) => n === "")) return err("every volumeClaimTemplate needs a name");
  if (new Set(names).size !== names.length) return err("volumeClaimTemplate names must be unique");
  const byName = new Map(claim.map((v) => [v.metadata?.name ?? "", v]));
  if (policy === "Allowed") {
    const clash = base.find((v) => byName.has(v.metadata?.name ?? ""));
    if (clash) return err(`volumeClaimTemplate "${clash.metadata?.name}" is already defined by the template`);
    return ok([...base, ...claim]);
  }
  const replaced = base.map((v) => byName.get(v.metadata?.name ?? "") ?? v);
  const baseNames = new Set(base.map((v) => v.metadata?.name ?? ""));
  return ok([...replaced, ...claim.filter((v) => !baseNames.has(v.metadata?.name ?? ""))]);
};
