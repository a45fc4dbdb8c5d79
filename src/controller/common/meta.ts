// Ownership and metadata helpers shared by the planners.
import type { ObjectMeta, OwnerReference } from "../../api";
import { RESERVED_PREFIXES } from "../../api";

export interface Owner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

export const controllerRef = (owner: Owner): OwnerReference => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name ?? "",
  uid: owner.metadata.uid ?? "",
  controller: true,
  blockOwnerDeletion: true,
});

export const controllerOf = (meta: ObjectMeta): OwnerReference | undefined =>
  meta.ownerReferences?.find((r) => r.controller === true);

export const isControlledBy = (meta: ObjectMeta, ownerUid: string | undefined): boolean =>
  ownerUid !== undefined && controllerOf(meta)?.uid === ownerUid;

/** The group of an apiVersion ("" for core). Owner refs match on group + kind, whatever the version. */
export const groupOf = (apiVersion: string): string => {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
};

/** The name of the object's controller when it is a `kind` (by group and kind, whatever the version). */
export const controllerNamed = (
  meta: ObjectMeta,
  kind: { readonly group: string; readonly kind: string },
): string | undefined => {
  const owner = controllerOf(meta);
  return owner !== undefined && owner.kind === kind.kind && groupOf(owner.apiVersion) === kind.group
    ? owner.name
    : undefined;
};

export const isReservedKey = (key: string): boolean => RESERVED_PREFIXES.some((p) => key.startsWith(p));

export const withoutReserved = (
  map: Readonly<Record<string, string>> | undefined,
): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (!isReservedKey(k)) out[k] = v;
  return out;
};

export const isDeleting = (meta: ObjectMeta): boolean => meta.deletionTimestamp !== undefined;

export const keyOf = (meta: ObjectMeta): string => `${meta.namespace ?? ""}/${meta.name ?? ""}`;

/** Sorted, comma-joined keys: the form of the `propagated-*` bookkeeping annotations. */
export const joinKeys = (map: Readonly<Record<string, string>>): string => Object.keys(map).sort().join(",");

export const splitKeys = (joined: string | undefined): ReadonlyArray<string> =>
  joined === undefined || joined === "" ? [] : joined.split(",");

/**
 * The merge patch that turns `current` into `desired` for the keys we manage: set changed values, and null
 * (delete) the keys listed in `remove` that are still present. Returns undefined when nothing changes.
 */
export const mapPatch = (
  current: Readonly<Record<string, string>> | undefined,
  desired: Readonly<Record<string, string>>,
  remove: Iterable<string>,
): Record<string, string | null> | undefined => {
  const patch: Record<string, string | null> = {};
  for (const key of remove) if (current?.[key] !== undefined && !(key in desired)) patch[key] = null;
  for (const [key, value] of Object.entries(desired)) if (current?.[key] !== value) patch[key] = value;
  return Object.keys(patch).length === 0 ? undefined : patch;
};
