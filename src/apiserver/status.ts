// Kubernetes `Status` error bodies, shaped exactly as kube-apiserver returns them.
import { Data } from "effect";

export interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: ReadonlyArray<StatusCause>;
  readonly retryAfterSeconds?: number;
}

export interface StatusBody {
  readonly kind: "Status";
  readonly apiVersion: "v1";
  readonly metadata: Record<string, never>;
  readonly status: "Failure" | "Success";
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** A request failure carrying the Status body the client must see. */
export class ApiError extends Data.TaggedError("ApiError")<{ readonly status: StatusBody }> {
  get code(): number {
    return this.status.code;
  }
  override get message(): string {
    return this.status.message ?? this.status.reason ?? "error";
  }
}

const failure = (code: number, reason: string, message: string, details?: StatusDetails): ApiError =>
  new ApiError({
    status: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
  });

/** Identifies the resource an error is about: plural name and API group ("" for core). */
export interface ResourceKey {
  readonly group: string;
  readonly plural: string;
}

/** `pods` for core, `sandboxes.agents.x-k8s.io` for groups, as Kubernetes prints a GroupResource. */
export const qualified = (r: ResourceKey): string => (r.group ? `${r.plural}.${r.group}` : r.plural);

const resourceDetails = (r: ResourceKey, name: string): StatusDetails => ({
  name,
  ...(r.group ? { group: r.group } : {}),
  kind: r.plural,
});

export const notFound = (r: ResourceKey, name: string): ApiError =>
  failure(404, "NotFound", `${qualified(r)} "${name}" not found`, resourceDetails(r, name));

export const alreadyExists = (r: ResourceKey, name: string): ApiError =>
  failure(409, "AlreadyExists", `${qualified(r)} "${name}" already exists`, resourceDetails(r, name));

export const conflict = (r: ResourceKey, name: string, why: string): ApiError =>
  failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    resourceDetails(r, name),
  );

export const STALE_OBJECT =
  "the object has been modified; please apply your changes to the latest version and try again";

/** 422 with field causes; `kind` is the object's Kind (e.g. `Pod`), as Kubernetes reports it. */
export const invalid = (
  group: string,
  kind: string,
  name: string,
  causes: ReadonlyArray<StatusCause>,
): ApiError => {
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`;
  return failure(422, "Invalid", `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${list}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes,
  });
};

export const badRequest = (message: string): ApiError => failure(400, "BadRequest", message);

export const gone = (message: string): ApiError => failure(410, "Expired", message);

export const tooOldResourceVersion = (requested: number, oldest: number): ApiError =>
  gone(`too old resource version: ${requested} (${oldest})`);

export const unauthorized = (): ApiError => failure(401, "Unauthorized", "Unauthorized");

export const forbidden = (r: ResourceKey, name: string, message: string): ApiError =>
  failure(403, "Forbidden", message, resourceDetails(r, name));

export const methodNotAllowed = (): ApiError =>
  failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

export const pathNotFound = (): ApiError =>
  failure(404, "NotFound", "the server could not find the requested resource");

export const tooLarge = (limit: number): ApiError =>
  failure(413, "RequestEntityTooLarge", `the request is too large (limit is ${limit} bytes)`);

export const unsupportedMediaType = (contentType: string, accepted: ReadonlyArray<string>): ApiError =>
  failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format (${contentType}) - accepted media types include: ${accepted.join(", ")}`,
  );

export const notAcceptable = (available: ReadonlyArray<string>): ApiError =>
  failure(406, "NotAcceptable", `only the following media types are accepted: ${available.join(", ")}`);

export const internalError = (message: string): ApiError =>
  failure(500, "InternalError", `Internal error occurred: ${message}`);

/** 422 without field causes, as returned when a patch cannot be applied. */
export const unprocessable = (message: string): ApiError => failure(422, "Invalid", message);

export const forbiddenCause = (field: string, detail: string): StatusCause => ({
  reason: "FieldValueForbidden",
  message: `Forbidden: ${detail}`,
  field,
});
