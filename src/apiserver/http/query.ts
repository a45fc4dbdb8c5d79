// Typed reads of query parameters, with kube-apiserver's 400s for malformed values.
import { badRequest } from "../status";

export const boolParam = (q: URLSearchParams, name: string): boolean | undefined => {
  const v = q.get(name);
  if (v === null) return undefined;
  return v === "" || v === "true" || v === "1";
};

export const intParam = (q: URLSearchParams, name: string): number | undefined => {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
};

export const stringParam = (q: URLSearchParams, name: string): string | undefined => q.get(name) ?? undefined;

/** Builds an object from optional entries, leaving absent ones out (exactOptionalPropertyTypes). */
export const defined = <T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
};
