import {
  AlreadyExists,
  Conflict,
  Forbidden,
  Gone,
  Invalid,
  KubeError,
  type KubeFailure,
  NotFound,
  type StatusCause,
  Timeout,
  Unauthorized,
  Unavailable,
} from "./errors";

/** The `Status` object the API server returns with every failure (and in watch ERROR events). */
export interface Status {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly kind?: string;
    readonly causes?: ReadonlyArray<StatusCause>;
    readonly retryAfterSeconds?: number;
  };
}

const asStatus = (body: unknown): Status =>
  typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Status) : {};

/**
 * Maps an HTTP failure to a tagged error. The Status `reason` decides where it is specific (409 is both
 * AlreadyExists and Conflict); the HTTP code decides otherwise, so proxies' bare 5xx pages map too.
 */
export const failureFromStatus = (
  httpCode: number,
  body: unknown,
  retryAfterHeader?: string | null,
): KubeFailure => {
  const status = asStatus(body);
  const code = status.code ?? httpCode;
  const reason = status.reason;
  const message =
    status.message ?? (typeof body === "string" && body.length > 0 ? body.slice(0, 500) : `HTTP ${httpCode}`);
  const fields = {
    message,
    code,
    ...(reason === undefined ? {} : { reason }),
    ...(status.details?.kind === undefined ? {} : { kind: status.details.kind }),
    ...(status.details?.name === undefined ? {} : { name: status.details.name }),
  };
  switch (reason) {
    case "NotFound":
      return new NotFound(fields);
    case "AlreadyExists":
      return new AlreadyExists(fields);
    case "Conflict":
      return new Conflict(fields);
    case "Gone":
    case "Expired":
      return new Gone(fields);
    case "Invalid":
      return new Invalid({ ...fields, causes: status.details?.causes ?? [] });
    case "Forbidden":
      return new Forbidden(fields);
    case "Unauthorized":
      return new Unauthorized(fields);
    case "Timeout":
    case "ServerTimeout":
      return new Timeout(fields);
    case "TooManyRequests":
    case "ServiceUnavailable":
    case "InternalError":
      return unavailable(fields, status, retryAfterHeader);
  }
  switch (code) {
    case 401:
      return new Unauthorized(fields);
    case 403:
      return new Forbidden(fields);
    case 404:
      return new NotFound(fields);
    case 409:
      return new Conflict(fields);
    case 410:
      return new Gone(fields);
    case 422:
      return new Invalid({ ...fields, causes: status.details?.causes ?? [] });
    case 504:
      return new Timeout(fields);
  }
  if (code === 429 || code >= 500) return unavailable(fields, status, retryAfterHeader);
  return new KubeError(fields);
};

const unavailable = (
  fields: ConstructorParameters<typeof KubeError>[0],
  status: Status,
  retryAfterHeader: string | null | undefined,
): Unavailable => {
  const fromHeader = retryAfterHeader ? Number.parseInt(retryAfterHeader, 10) : Number.NaN;
  const retryAfterSeconds =
    status.details?.retryAfterSeconds ?? (Number.isFinite(fromHeader) ? fromHeader : undefined);
  return new Unavailable(retryAfterSeconds === undefined ? fields : { ...fields, retryAfterSeconds });
};
