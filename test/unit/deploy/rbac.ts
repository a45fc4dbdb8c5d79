// Kubernetes RBAC arithmetic for the deploy tests: what an API request asks for (as the API server's request
// info resolver reads it) and whether a role's rules allow it. Pure.

export interface RequestAttributes {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  /** Resource, with "/<subresource>" appended when there is one (as RBAC rules name it). */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly verb: string;
}

export interface PolicyRule {
  readonly apiGroups?: ReadonlyArray<string>;
  readonly resources?: ReadonlyArray<string>;
  readonly verbs: ReadonlyArray<string>;
  readonly resourceNames?: ReadonlyArray<string>;
}

const isWatch = (query: URLSearchParams) => ["true", "1"].includes(query.get("watch") ?? "");

/**
 * Reads a resource request; undefined for non-resource paths (discovery, /version, /openapi, /healthz).
 * Throws on a resource path that is malformed, so a test never silently drops a request.
 */
export const requestAttributes = (method: string, rawUrl: string): RequestAttributes | undefined => {
  const url = new URL(rawUrl, "http://x");
  const parts = url.pathname.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}... is namespaced; /namespaces and /namespaces/{name}[/status] are the kind itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) throw new Error(`malformed resource path: ${url.pathname}`);
  const upper = method.toUpperCase();
  const verbs: Record<string, string> = {
    GET: name === undefined ? (isWatch(url.searchParams) ? "watch" : "list") : "get",
    HEAD: name === undefined ? "list" : "get",
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: name === undefined ? "deletecollection" : "delete",
  };
  const verb = verbs[upper];
  if (verb === undefined) throw new Error(`unsupported method ${method} for ${url.pathname}`);
  return {
    group,
    version,
    resource: subresource === undefined ? resource : `${resource}/${subresource}`,
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name: decodeURIComponent(name) }),
    verb,
  };
};

const matches = (values: ReadonlyArray<string> | undefined, value: string) =>
  values !== undefined && (values.includes("*") || values.includes(value));

/** Whether one rule allows the request (resourceNames only ever match requests that name an object). */
export const ruleAllows = (rule: PolicyRule, request: RequestAttributes): boolean =>
  matches(rule.apiGroups, request.group) &&
  matches(rule.resources, request.resource) &&
  matches(rule.verbs, request.verb) &&
  (rule.resourceNames === undefined ||
    rule.resourceNames.length === 0 ||
    (request.name !== undefined && rule.resourceNames.includes(request.name)));

export const rulesAllow = (rules: ReadonlyArray<PolicyRule>, request: RequestAttributes): boolean =>
  rules.some((rule) => ruleAllows(rule, request));

/** A (group, resource, verb) triple as "group|resource|verb" ("" group for core). */
export const grantKey = (group: string, resource: string, verb: string) => `${group}|${resource}|${verb}`;

/** Every (group, resource, verb) the rules grant; wildcards are returned as written. */
export const grantedTriples = (rules: ReadonlyArray<PolicyRule>): Set<string> =>
  new Set(
    rules.flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) =>
          rule.verbs.map((verb) => grantKey(group, resource, verb)),
        ),
      ),
    ),
  );
