// Built-in Table printers: kubectl's default columns for each built-in kind (kube-apiserver's
// pkg/printers), keyed by `group/kind`. Kinds without an entry print NAME and AGE.
import { AGE_COLUMN, NAME_COLUMN, objectAge, objectName, type Printer } from "./columns";
import { API_GROUP_PRINTERS } from "./printers-apis";
import { CORE_PRINTERS } from "./printers-core";
import { EVENT_PRINTER } from "./printers-events";
import { POD_COLUMNS, podCells } from "./printers-pod";

export type { Printer } from "./columns";

export const BUILTIN_PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ["/Pod", { columns: POD_COLUMNS, cells: podCells }],
  ["/Event", EVENT_PRINTER],
  ["events.k8s.io/Event", EVENT_PRINTER],
  ...CORE_PRINTERS,
  ...API_GROUP_PRINTERS,
]);

export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [objectName(o), objectAge(o, now)],
};
