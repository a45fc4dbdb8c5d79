// Query parameters kube-apiserver documents per action. kubectl reads one of them: it sends
// `fieldValidation` (server-side field validation) only when the PATCH operation lists it.
import type { Action } from "./openapi-model";

export interface QueryParam {
  readonly name: string;
  readonly type: "string" | "integer" | "boolean";
  readonly description: string;
}

const q = (name: string, type: QueryParam["type"], description: string): QueryParam => ({
  name,
  type,
  description,
});

const DRY_RUN = q("dryRun", "string", "When present, indicates that modifications should not be persisted.");
const FIELD_MANAGER = q(
  "fieldManager",
  "string",
  "A name associated with the actor or entity that is making these changes.",
);
const FIELD_VALIDATION = q(
  "fieldValidation",
  "string",
  "How the server handles fields in the request object that are unknown or duplicated: Ignore, Warn (default) or Strict.",
);
const WRITE = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
const DELETE = [
  DRY_RUN,
  q("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted."),
  q(
    "propagationPolicy",
    "string",
    "Whether and how garbage collection will be performed: Orphan, Background or Foreground.",
  ),
];
const LIST = [
  q("allowWatchBookmarks", "boolean", "Requests watch events with type BOOKMARK."),
  q("continue", "string", "The continue option, from a previous paged list."),
  q("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields."),
  q("labelSelector", "string", "A selector to restrict the list of returned objects by their labels."),
  q("limit", "integer", "The maximum number of responses to return for a list call."),
  q("resourceVersion", "string", "Sets a constraint on what resource versions a request may be served from."),
  q("resourceVersionMatch", "string", "How resourceVersion is applied to list calls."),
  q(
    "sendInitialEvents",
    "boolean",
    "With watch, start the stream with synthetic events for the current state.",
  ),
  q("timeoutSeconds", "integer", "Timeout for the list/watch call."),
  q("watch", "boolean", "Watch for changes to the described resources and return them as a stream."),
];

export const queryParams = (action: Action): ReadonlyArray<QueryParam> => {
  switch (action) {
    case "list":
      return LIST;
    case "post":
    case "put":
      return WRITE;
    case "patch":
      return [
        ...WRITE,
        q("force", "boolean", 'Force is going to "force" Apply requests (re-acquire conflicting fields).'),
      ];
    case "delete":
      return DELETE;
    case "deletecollection":
      return [...DELETE, ...LIST.filter((p) => p.name !== "watch" && p.name !== "allowWatchBookmarks")];
    case "get":
      return [];
  }
};

export const PATH_PARAM_DESCRIPTIONS: Readonly<Record<"name" | "namespace", string>> = {
  name: "name of the object",
  namespace: "object name and auth scope, such as for teams and projects",
};
