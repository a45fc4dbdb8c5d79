/** JSON bodies shared by the endpoints. */

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Response =>
  Response.json(body, headers ? { status, headers } : { status });

/** One entry of a FastAPI/pydantic validation error. */
export interface ValidationIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Record<string, unknown>;
}

/** FastAPI's 422 body, which legacy clients may parse. */
export const unprocessable = (issues: readonly ValidationIssue[]): Response => json({ detail: issues }, 422);

export const notFoundRoute = (): Response => json({ detail: "Not Found" }, 404);
export const methodNotAllowed = (): Response => json({ detail: "Method Not Allowed" }, 405);

/** The sandboxd REST error codes and their statuses. */
export type FilesErrorCode = "INVALID_ARGUMENT" | "PERMISSION_DENIED" | "NOT_FOUND" | "CONFLICT" | "INTERNAL";

const STATUS: Record<FilesErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL: 500,
};

/** An error in sandboxd's shape: `{code, path?, message}`. */
export const filesError = (code: FilesErrorCode, message: string, path?: string): Response =>
  json(path === undefined ? { code, message } : { code, path, message }, STATUS[code]);
