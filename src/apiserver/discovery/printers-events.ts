// kubectl's columns for Events: LAST SEEN TYPE REASON OBJECT MESSAGE (+ wide columns).
import { ageOf } from "./age";
import { column, field, num, type Obj, objectName, type Printer, text } from "./columns";

/** Events, core/v1 and events.k8s.io/v1 alike (kube prints both with one printer). */
export const EVENT_PRINTER: Printer = {
  columns: [
    column("Last Seen", "Time when this event was last observed."),
    column("Type", "Type of this event (Normal, Warning)."),
    column("Reason", "Why the action was taken."),
    column("Object", "The object that this event is about."),
    column("Subobject", "The subobject (field) this event is about.", 1),
    column("Source", "The component reporting this event.", 1),
    column("Message", "A human-readable description of the status of this operation."),
    column("First Seen", "The time at which the event was first recorded.", 1),
    column("Count", "The number of times this event has occurred.", 1, "integer"),
    column("Name", "Name of the event.", 1),
  ],
  cells: (e, now) => {
    const involved = (field(e, "involvedObject") ?? field(e, "regarding")) as Obj | undefined;
    const last = text(e.lastTimestamp, text(e.eventTime, text(field(e, "series", "lastObservedTime"))));
    const first = text(e.firstTimestamp, text(e.eventTime));
    const source = text(
      field(e, "source", "component"),
      text(e.reportingController, text(e.reportingComponent)),
    );
    return [
      last ? ageOf(last, now) : "<unknown>",
      text(e.type),
      text(e.reason),
      `${text(field(involved, "kind")).toLowerCase()}/${text(field(involved, "name"))}`,
      text(field(involved, "fieldPath")),
      source,
      text(e.message, text(e.note)),
      first ? ageOf(first, now) : "<unknown>",
      typeof e.count === "number" ? e.count : num(field(e, "series", "count")) || 1,
      objectName(e),
    ];
  },
};
