// Lists with label/field selectors and limit/continue paging.
import type { Engine, Target } from "./engine";
import { metaOf } from "./meta";
import { apiVersionOf, type KObject, resourceId } from "./resources/types";
import {
  type FieldRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Requirement,
} from "./selectors";
import { badRequest } from "./status";

export interface ListQuery {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface Filter {
  readonly labels: ReadonlyArray<Requirement>;
  readonly fields: ReadonlyArray<FieldRequirement>;
}

export const makeFilter = (t: Target, q: Pick<ListQuery, "labelSelector" | "fieldSelector">): Filter => ({
  labels: q.labelSelector ? parseLabelSelector(q.labelSelector) : [],
  fields: q.fieldSelector ? parseFieldSelector(q.fieldSelector, t.def.fieldLabels) : [],
});

export const matches = (f: Filter, obj: KObject): boolean =>
  matchesLabels(f.labels, metaOf(obj).labels as Record<string, string> | undefined) &&
  (f.fields.length === 0 || matchesFields(f.fields, obj));

const keyOf = (o: KObject): string => `${String(metaOf(o).namespace ?? "")}/${String(metaOf(o).name)}`;

/** Continue tokens carry the last key returned; the list resumes after it. */
const encodeContinue = (key: string, rv: number): string =>
  Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: key })).toString("base64url");

const decodeContinue = (token: string): string => {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString()) as { start?: unknown };
    if (typeof parsed.start !== "string") throw new Error("no start");
    return parsed.start;
  } catch {
    throw badRequest("invalid continue token");
  }
};

export interface ListResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: Record<string, unknown>;
  readonly items: KObject[];
}

export const listObjects = (engine: Engine, t: Target, q: ListQuery): ListResult => {
  const filter = makeFilter(t, q);
  const rv = engine.store.resourceVersion;
  const all = engine.store.list(
    resourceId(t.def),
    t.def.namespaced && t.namespace !== "" ? t.namespace : undefined,
  );
  const after = q.continue ? decodeContinue(q.continue) : undefined;
  const items: KObject[] = [];
  let next: string | undefined;
  let remaining = 0;
  for (const o of all) {
    if (after !== undefined && keyOf(o) <= after) continue;
    if (!matches(filter, o)) continue;
    if (q.limit !== undefined && q.limit > 0 && items.length >= q.limit) {
      remaining++;
      continue;
    }
    items.push(engine.toVersion(t.def, o, t.version));
  }
  if (remaining > 0) next = encodeContinue(keyOf(items[items.length - 1]!), rv);
  return {
    apiVersion: apiVersionOf(t.def.group, t.version),
    kind: t.def.listKind,
    metadata: {
      resourceVersion: String(rv),
      ...(next ? { continue: next, remainingItemCount: remaining } : {}),
    },
    items,
  };
};
