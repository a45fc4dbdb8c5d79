// Canonical JSON (sorted keys) so hashes and semantic comparisons do not depend on key order.
import { nameHash } from "../../api";

export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Equal as JSON, key order aside: what comparing `canonicalJson` of both says (undefined properties absent,
 * undefined array items null), without building the strings. Planners compare statuses on every pass.
 */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x ?? null, b[i] ?? null));
  if (!isRecord(a) || !isRecord(b)) return false;
  let defined = 0;
  for (const key in a) {
    if (a[key] === undefined) continue;
    defined++;
    if (!jsonEqual(a[key], b[key])) return false;
  }
  for (const key in b) if (b[key] !== undefined) defined--;
  return defined === 0;
};

export const hashOf = (value: unknown): string => nameHash(canonicalJson(value));
