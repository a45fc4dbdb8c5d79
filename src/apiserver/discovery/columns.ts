// Table column definitions (meta.k8s.io/v1 TableColumnDefinition), the printer shape, and helpers for
// reading object fields.
import { ageOf } from "./age";

export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export const column = (
  name: string,
  description: string,
  priority = 0,
  type = "string",
  format = "",
): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});

export const NAME_COLUMN = column(
  "Name",
  "Name must be unique within a namespace. Is required when creating resources. Cannot be updated.",
  0,
  "string",
  "name",
);
export const AGE_COLUMN = column(
  "Age",
  "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

export type Obj = Record<string, unknown>;

export const field = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj)[k] : undefined),
    o,
  );

export const text = (v: unknown, fallback = ""): string => (typeof v === "string" && v !== "" ? v : fallback);

export const list = (v: unknown): Obj[] =>
  Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x)) : [];

export const count = (v: unknown): number =>
  typeof v === "object" && v !== null ? (Array.isArray(v) ? v.length : Object.keys(v).length) : 0;

/** A label selector as kubectl prints it: `a=b,c in (d,e)`, `<none>` when empty. */
export const selectorText = (sel: unknown): string => {
  const labels = Object.entries((field(sel, "matchLabels") as Obj | undefined) ?? {}).map(
    ([k, v]) => `${k}=${String(v)}`,
  );
  const exprs = list(field(sel, "matchExpressions")).map((e) => {
    const values = Array.isArray(e.values) ? e.values.join(",") : "";
    const op = String(e.operator ?? "");
    if (op === "Exists") return String(e.key);
    if (op === "DoesNotExist") return `!${String(e.key)}`;
    return `${String(e.key)} ${op === "NotIn" ? "notin" : "in"} (${values})`;
  });
  const all = [...labels, ...exprs];
  return all.length > 0 ? all.join(",") : "<none>";
};

export const num = (v: unknown): number => (typeof v === "number" ? v : 0);

export const orNone = (v: unknown): string => text(v, "<none>");

export const objectName = (o: Obj): string => text(field(o, "metadata", "name"));

export const objectAge = (o: Obj, now: number): string =>
  ageOf(field(o, "metadata", "creationTimestamp"), now);

export interface Printer {
  readonly columns: ReadonlyArray<ColumnDefinition>;
  /** Cells for every column, wide ones included, in column order. */
  readonly cells: (o: Obj, now: number) => unknown[];
}
