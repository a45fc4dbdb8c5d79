// REST verbs on resource paths: maps method, path and query onto the engine.
import type { DeleteOptions, Engine, Target } from "../engine";
import { listObjects } from "../list";
import { applyPatch, parsePatchBody, patchTypeOf } from "../patch";
import { isPlainObject } from "../patch/merge";
import { bindPod, type PodLogSource, podLog } from "../pods";
import type { Registry } from "../resources/registry";
import { toScale, updateScale } from "../scale";
import { ApiError, badRequest, methodNotAllowed, notFound, pathNotFound } from "../status";
import { reviewToken } from "../token-review";
import { openWatch, type WatchLimits } from "../watch/stream";
import { decodeOptionalBody, readBodyText, readObjectBody } from "./body";
import { requestFieldValidation, warningHeaders } from "./field-validation";
import type { ResourcePath } from "./paths";
import { boolParam, defined, intParam, stringParam } from "./query";

export interface ResourceContext {
  readonly engine: Engine;
  readonly registry: Registry;
  readonly watch: WatchLimits;
  readonly podLogs: () => PodLogSource | undefined;
  readonly token: string;
  /** Renders a list or object as a meta.k8s.io Table when the client asks for one. */
  readonly table: TableRenderer;
}

const json = (
  body: unknown,
  status = 200,
  extraHeaders: Array<[string, string]> = [],
  text = JSON.stringify(body),
): Response =>
  new Response(text, {
    status,
    headers: [["content-type", "application/json"], ...extraHeaders],
  });

const wantsTable = (req: Request): boolean => (req.headers.get("accept") ?? "").includes("as=Table");

/** For a target and query, a function rendering objects or lists as Tables (undefined: not available). */
export type TableRenderer = (t: Target, q: URLSearchParams) => ((body: unknown) => unknown) | undefined;

const PROPAGATION = new Set(["Background", "Foreground", "Orphan"]);

const deleteOptions = (q: URLSearchParams, body: unknown): DeleteOptions => {
  const b = isPlainObject(body) ? body : {};
  const grace =
    intParam(q, "gracePeriodSeconds") ??
    (typeof b.gracePeriodSeconds === "number" ? b.gracePeriodSeconds : undefined);
  let policy =
    stringParam(q, "propagationPolicy") ??
    (typeof b.propagationPolicy === "string" ? b.propagationPolicy : undefined);
  const orphan =
    boolParam(q, "orphanDependents") ??
    (typeof b.orphanDependents === "boolean" ? b.orphanDependents : undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan ? "Orphan" : "Background";
  if (policy !== undefined && !PROPAGATION.has(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const pre = isPlainObject(b.preconditions) ? b.preconditions : undefined;
  return defined({
    gracePeriodSeconds: grace,
    propagationPolicy: policy as DeleteOptions["propagationPolicy"],
    preconditions: pre
      ? defined({
          uid: typeof pre.uid === "string" ? pre.uid : undefined,
          resourceVersion: typeof pre.resourceVersion === "string" ? pre.resourceVersion : undefined,
        })
      : undefined,
    dryRun: dryRun(q, b) || undefined,
  });
};

const dryRun = (q: URLSearchParams, body?: Record<string, unknown>): boolean =>
  q.getAll("dryRun").includes("All") || (Array.isArray(body?.dryRun) && body.dryRun.includes("All"));

export const handleResource = async (
  ctx: ResourceContext,
  p: ResourcePath,
  req: Request,
  url: URL,
): Promise<Response> => {
  const def = ctx.registry.lookup(p.group, p.version, p.plural);
  if (!def) throw pathNotFound();
  if (p.namespace !== undefined && !def.namespaced) throw pathNotFound();
  if (def.namespaced && p.namespace === undefined && p.name !== undefined) throw pathNotFound();
  const t: Target = { def, version: p.version, namespace: p.namespace ?? "" };
  const q = url.searchParams;
  const sub = p.subresource ?? "";
  const known =
    sub === "" ||
    (sub === "status" && def.statusSubresource) ||
    (sub === "scale" && def.scale !== undefined) ||
    (def.group === "" && def.kind === "Pod" && (sub === "log" || sub === "binding"));
  if (!known) throw notFound(def, p.name ?? "");
  const method = req.method;
  if (def.virtual) {
    if (method !== "POST" || p.name !== undefined) throw methodNotAllowed();
    return json(reviewToken((await readObjectBody(req)).object, ctx.token), 201);
  }
  const asTable = wantsTable(req) ? ctx.table(t, q) : undefined;
  // Warn-mode fieldValidation problems, answered as Warning headers.
  const warnings = new Set<string>();
  const respond = (body: unknown, status = 200) => {
    if (asTable && status === 200) return json(asTable(body), status, warningHeaders(warnings));
    // A stored object goes out as the JSON the store already made of it.
    return json(body, status, warningHeaders(warnings), ctx.engine.store.jsonOf(body));
  };

  if (p.name === undefined) {
    if (method === "GET") {
      const watching = p.watchPrefix || boolParam(q, "watch") === true;
      const selectors = defined({
        labelSelector: stringParam(q, "labelSelector"),
        fieldSelector: stringParam(q, "fieldSelector"),
      });
      if (watching) {
        const stream = openWatch(
          ctx.engine,
          t,
          defined({
            ...selectors,
            resourceVersion: stringParam(q, "resourceVersion"),
            allowWatchBookmarks: boolParam(q, "allowWatchBookmarks"),
            sendInitialEvents: boolParam(q, "sendInitialEvents"),
            timeoutSeconds: intParam(q, "timeoutSeconds"),
          }),
          ctx.watch,
          asTable,
        );
        return new Response(stream, {
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        });
      }
      return respond(
        listObjects(
          ctx.engine,
          t,
          defined({ ...selectors, limit: intParam(q, "limit"), continue: stringParam(q, "continue") }),
        ),
      );
    }
    if (method === "POST") {
      const body = await readObjectBody(req);
      const fieldValidation = requestFieldValidation("create", t, q, body.json, body.object, warnings);
      return respond(ctx.engine.create(t, body.object, { dryRun: dryRun(q), fieldValidation }), 201);
    }
    if (method === "DELETE") {
      const opts = deleteOptions(q, decodeOptionalBody(await readBodyText(req)));
      const list = listObjects(
        ctx.engine,
        t,
        defined({
          labelSelector: stringParam(q, "labelSelector"),
          fieldSelector: stringParam(q, "fieldSelector"),
        }),
      );
      const items: unknown[] = [];
      for (const item of list.items) {
        try {
          items.push(
            ctx.engine.delete(
              { ...t, namespace: String(item.metadata?.namespace ?? t.namespace) },
              String(item.metadata?.name),
              opts,
            ),
          );
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      return json({ ...list, items });
    }
    throw methodNotAllowed();
  }

  const name = p.name;
  switch (sub) {
    case "log": {
      if (method !== "GET") throw methodNotAllowed();
      const out = await podLog(
        ctx.engine,
        t,
        name,
        defined({
          container: stringParam(q, "container"),
          follow: boolParam(q, "follow"),
          tailLines: intParam(q, "tailLines"),
          limitBytes: intParam(q, "limitBytes"),
        }),
        ctx.podLogs(),
        req.signal,
      );
      return new Response(out, { headers: { "content-type": "text/plain" } });
    }
    case "binding": {
      if (method !== "POST") throw methodNotAllowed();
      const body = await readObjectBody(req);
      return json(bindPod(ctx.engine, t, name, body.object), 201);
    }
    case "scale": {
      const scale = def.scale!;
      if (method === "GET") return json(toScale(scale, ctx.engine.get(t, name)));
      if (method === "PUT") {
        const body = await readObjectBody(req);
        return json(updateScale(ctx.engine, t, name, body.object));
      }
      if (method === "PATCH") {
        const type = patchTypeOf({ ...def, builtin: false }, req.headers.get("content-type") ?? "");
        if (type instanceof ApiError) throw type;
        const current = toScale(scale, ctx.engine.get(t, name));
        const patched = applyPatch(def, type, current, parsePatchBody(type, await readBodyText(req)));
        return json(updateScale(ctx.engine, t, name, patched));
      }
      throw methodNotAllowed();
    }
  }
  const target = sub === "status" ? "status" : "";
  switch (method) {
    case "GET":
      return respond(ctx.engine.get(t, name));
    case "PUT": {
      const body = await readObjectBody(req);
      const fieldValidation = requestFieldValidation("update", t, q, body.json, body.object, warnings);
      return respond(ctx.engine.update(t, name, body.object, target, { dryRun: dryRun(q), fieldValidation }));
    }
    case "PATCH": {
      const type = patchTypeOf(def, req.headers.get("content-type") ?? "");
      if (type instanceof ApiError) throw type;
      const text = await readBodyText(req);
      const patch = parsePatchBody(type, text);
      // Duplicate keys are looked for in merge-style JSON patches, whose keys are object fields.
      const keyed = type === "merge" || type === "strategic" ? text : undefined;
      const opts = {
        dryRun: dryRun(q),
        fieldValidation: requestFieldValidation("patch", t, q, keyed, patch, warnings),
      };
      const existing = ctx.engine.stored(def, t.namespace, name);
      if (!existing) {
        if (type !== "apply") throw notFound(def, name);
        // Server-side apply creates what does not exist yet.
        const body = isPlainObject(patch)
          ? { ...patch, metadata: { ...(isPlainObject(patch.metadata) ? patch.metadata : {}), name } }
          : patch;
        return respond(ctx.engine.create(t, body, opts), 201);
      }
      const current = ctx.engine.get(t, name);
      const patched = applyPatch(def, type, current, patch);
      return respond(ctx.engine.update(t, name, patched, target, opts));
    }
    case "DELETE": {
      const opts = deleteOptions(q, decodeOptionalBody(await readBodyText(req)));
      return json(ctx.engine.delete(t, name, opts));
    }
    default:
      throw methodNotAllowed();
  }
};
