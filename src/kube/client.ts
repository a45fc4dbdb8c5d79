import type { KubeConfig } from "@kubernetes/client-node";
import { Chunk, Context, type Duration, Effect, Layer, Option, Stream } from "effect";
import {
  inProcessServerOf,
  type KubeSource,
  loadDefaultKubeConfig,
  loadKubeConfig,
  resolveConnection,
} from "./connection";
import { type KubeConfigError, KubeError, type KubeFailure } from "./errors";
import type { KubeObject, ObjectList } from "./object";
import { resourcePath } from "./paths";
import type { ResourceRef } from "./resources";
import type { Status } from "./status";
import { failureFromThrown, makeTransport, type Transport } from "./transport";
import { WatchLineDecoder } from "./watch-lines";

export interface NamespaceOption {
  /** Defaults to the object's own namespace, then the kubeconfig context's namespace, then "default". */
  readonly namespace?: string;
}

export interface ListOptions {
  /** Absent: all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: "Exact" | "NotOlderThan";
  readonly timeout?: Duration.DurationInput;
}

export interface WriteOptions extends NamespaceOption {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
}

export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string };

export type Patch =
  | { readonly type: "merge"; readonly body: Record<string, unknown> }
  | { readonly type: "strategic"; readonly body: Record<string, unknown> }
  | { readonly type: "json"; readonly body: ReadonlyArray<JsonPatchOperation> }
  /** Server-side apply; needs `fieldManager`. */
  | { readonly type: "apply"; readonly body: Record<string, unknown> };

export interface PatchOptions extends WriteOptions {
  /** Optimistic lock: the patch fails with Conflict unless the object is still at this version. */
  readonly resourceVersion?: string;
  /** Server-side apply only: take over conflicting fields. */
  readonly force?: boolean;
}

export interface DeleteOptions extends NamespaceOption {
  readonly propagationPolicy?: "Background" | "Foreground" | "Orphan";
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly gracePeriodSeconds?: number;
  readonly dryRun?: boolean;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion?: string;
  readonly allowWatchBookmarks?: boolean;
  /** Server-side end of the watch; the watcher always sets one so no stream lives forever. */
  readonly timeoutSeconds?: number;
}

export type RawWatchEvent<T extends KubeObject = KubeObject> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; readonly object: T }
  | { readonly type: "ERROR"; readonly object: Status };

export interface KubeClientApi {
  readonly server: string;
  readonly defaultNamespace: string;
  readonly get: <T extends KubeObject>(
    ref: ResourceRef<T>,
    name: string,
    options?: NamespaceOption,
  ) => Effect.Effect<T, KubeFailure>;
  /** One page; follow `metadata.continue` or use `listAll`. */
  readonly list: <T extends KubeObject>(
    ref: ResourceRef<T>,
    options?: ListOptions,
  ) => Effect.Effect<ObjectList<T>, KubeFailure>;
  /** Every page of a consistent snapshot, with the snapshot's resourceVersion. */
  readonly listAll: <T extends KubeObject>(
    ref: ResourceRef<T>,
    options?: Omit<ListOptions, "continue">,
  ) => Effect.Effect<{ readonly items: T[]; readonly resourceVersion: string }, KubeFailure>;
  readonly create: <T extends KubeObject>(
    ref: ResourceRef<T>,
    object: T,
    options?: WriteOptions,
  ) => Effect.Effect<T, KubeFailure>;
  /** PUT; the object's `metadata.resourceVersion` makes it an optimistic update (Conflict when stale). */
  readonly replace: <T extends KubeObject>(
    ref: ResourceRef<T>,
    object: T,
    options?: WriteOptions,
  ) => Effect.Effect<T, KubeFailure>;
  readonly patch: <T extends KubeObject>(
    ref: ResourceRef<T>,
    name: string,
    patch: Patch,
    options?: PatchOptions,
  ) => Effect.Effect<T, KubeFailure>;
  readonly updateStatus: <T extends KubeObject>(
    ref: ResourceRef<T>,
    object: T,
    options?: WriteOptions,
  ) => Effect.Effect<T, KubeFailure>;
  readonly patchStatus: <T extends KubeObject>(
    ref: ResourceRef<T>,
    name: string,
    patch: Patch,
    options?: PatchOptions,
  ) => Effect.Effect<T, KubeFailure>;
  /** The API returns the object while finalizers hold it, else a Status; both come back as-is. */
  readonly delete: <T extends KubeObject>(
    ref: ResourceRef<T>,
    name: string,
    options?: DeleteOptions,
  ) => Effect.Effect<T | Status, KubeFailure>;
  /** One watch request as a stream of its events; ends when the server ends it. See `watcher` for the robust loop. */
  readonly watch: <T extends KubeObject>(
    ref: ResourceRef<T>,
    options?: WatchOptions,
  ) => Stream.Stream<RawWatchEvent<T>, KubeFailure>;
  /** Escape hatch for endpoints without a ref (discovery, /version, subresources such as scale). */
  readonly request: <T>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    contentType?: string,
  ) => Effect.Effect<T, KubeFailure>;
}

export class KubeClient extends Context.Tag("agent-sandbox/KubeClient")<KubeClient, KubeClientApi>() {
  static readonly layer = (
    source: KubeSource,
    options?: KubeClientOptions,
  ): Layer.Layer<KubeClient, KubeConfigError> => Layer.effect(KubeClient, makeKubeClient(source, options));
  /** $KUBECONFIG, ~/.kube/config, then in-cluster. */
  static readonly layerDefault = (options?: KubeClientOptions): Layer.Layer<KubeClient, KubeConfigError> =>
    Layer.effect(
      KubeClient,
      Effect.flatMap(loadDefaultKubeConfig, (kc) => makeKubeClient(kc, options)),
    );
}

export interface KubeClientOptions {
  /** Per request, until the whole response arrived (watches: until the headers arrived). Default 30 s. */
  readonly requestTimeout?: Duration.DurationInput;
  /**
   * Requests in flight over the network at once, watches aside; more wait their turn (in order). Default
   * 64, the idle connections Bun's fetch keeps: a burst past it opens connections only to close them again,
   * each with a TLS handshake on both sides (a 300-claim burst from one client spent more CPU on those than
   * on its requests). Infinity for no limit.
   */
  readonly maxRequestsInFlight?: number;
}

const PATCH_CONTENT_TYPES: Record<Patch["type"], string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
};

/** Adds the optimistic-lock precondition in the form each patch type understands. */
export const lockPatch = (patch: Patch, resourceVersion: string | undefined): Patch => {
  if (resourceVersion === undefined) return patch;
  if (patch.type === "json") {
    return {
      type: "json",
      body: [{ op: "test", path: "/metadata/resourceVersion", value: resourceVersion }, ...patch.body],
    };
  }
  const metadata = (patch.body.metadata ?? {}) as Record<string, unknown>;
  return { ...patch, body: { ...patch.body, metadata: { ...metadata, resourceVersion } } };
};

const contextNamespace = (kc: KubeConfig): string => {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace ?? "default";
};

export const makeKubeClient = (
  source: KubeSource,
  options: KubeClientOptions = {},
): Effect.Effect<KubeClientApi, KubeConfigError> =>
  Effect.gen(function* () {
    const kc = yield* loadKubeConfig(source);
    const conn = yield* resolveConnection(kc);
    const inProcess = inProcessServerOf(source);
    const transport = makeTransport(inProcess ? { ...conn, fetch: inProcess } : conn, {
      timeout: options.requestTimeout ?? "30 seconds",
      maxInFlight: options.maxRequestsInFlight ?? 64,
    });
    return clientOver(transport, contextNamespace(kc));
  });

const clientOver = (transport: Transport, defaultNamespace: string): KubeClientApi => {
  const nsOf = (ref: ResourceRef<KubeObject>, explicit?: string, object?: KubeObject): string | undefined =>
    ref.namespaced ? (explicit ?? object?.metadata?.namespace ?? defaultNamespace) : undefined;
  const dryRun = (on: boolean | undefined) => (on ? "All" : undefined);

  const list = <T extends KubeObject>(ref: ResourceRef<T>, o: ListOptions = {}) =>
    transport.json<ObjectList<T>>({
      method: "GET",
      path: resourcePath(ref, { namespace: o.namespace }),
      query: {
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        limit: o.limit,
        continue: o.continue,
        resourceVersion: o.resourceVersion,
        resourceVersionMatch: o.resourceVersionMatch,
      },
      ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
    });

  const listAll = <T extends KubeObject>(ref: ResourceRef<T>, o: Omit<ListOptions, "continue"> = {}) =>
    Effect.gen(function* () {
      const items: T[] = [];
      let next: string | undefined;
      let resourceVersion = "";
      do {
        const page: ObjectList<T> = yield* list(ref, { ...o, ...(next ? { continue: next } : {}) });
        items.push(...page.items);
        resourceVersion = page.metadata.resourceVersion ?? resourceVersion;
        next = page.metadata.continue || undefined;
      } while (next);
      return { items, resourceVersion };
    });

  const write = <T extends KubeObject>(
    method: "POST" | "PUT",
    ref: ResourceRef<T>,
    object: T,
    o: WriteOptions,
    subresource?: string,
  ) =>
    transport.json<T>({
      method,
      path: resourcePath(ref, {
        namespace: nsOf(ref, o.namespace, object),
        ...(method === "PUT" ? { name: object.metadata?.name ?? "" } : {}),
        subresource,
      }),
      query: { fieldManager: o.fieldManager, dryRun: dryRun(o.dryRun) },
      body: object,
    });

  const patch = <T extends KubeObject>(
    ref: ResourceRef<T>,
    name: string,
    p: Patch,
    o: PatchOptions,
    subresource?: string,
  ) => {
    const locked = lockPatch(p, o.resourceVersion);
    return transport.json<T>({
      method: "PATCH",
      path: resourcePath(ref, { namespace: nsOf(ref, o.namespace), name, subresource }),
      query: {
        fieldManager: o.fieldManager,
        dryRun: dryRun(o.dryRun),
        force: p.type === "apply" ? o.force : undefined,
      },
      body: locked.body,
      contentType: PATCH_CONTENT_TYPES[p.type],
    });
  };

  const watch = <T extends KubeObject>(ref: ResourceRef<T>, o: WatchOptions = {}) =>
    Stream.unwrapScoped(
      Effect.gen(function* () {
        // Aborting on scope close is what ends the HTTP stream when the consumer stops early.
        const abort = yield* Effect.acquireRelease(
          Effect.sync(() => new AbortController()),
          (c) => Effect.sync(() => c.abort()),
        );
        const res = yield* transport.send(
          {
            method: "GET",
            path: resourcePath(ref, { namespace: o.namespace }),
            query: {
              watch: true,
              labelSelector: o.labelSelector,
              fieldSelector: o.fieldSelector,
              resourceVersion: o.resourceVersion,
              allowWatchBookmarks: o.allowWatchBookmarks,
              timeoutSeconds: o.timeoutSeconds,
            },
          },
          abort.signal,
        );
        const body = res.body;
        if (body === null) return Stream.empty;
        const reader = yield* Effect.acquireRelease(
          Effect.sync(() => body.getReader()),
          (r) => Effect.promise(() => r.cancel().catch(() => undefined)),
        );
        const lines = new WatchLineDecoder<T>();
        let ended = false;
        /** Reads until at least one whole event (or the end): a burst of events is one stream step. */
        const next = async (): Promise<RawWatchEvent<T>[] | undefined> => {
          while (!ended) {
            const { value, done } = await reader.read();
            const events = done ? lines.end() : lines.push(value);
            ended = done;
            if (events.length > 0) return events;
          }
          return undefined;
        };
        return Stream.repeatEffectChunkOption(
          Effect.tryPromise({
            try: next,
            catch: (e): KubeFailure =>
              e instanceof KubeError ? e : failureFromThrown(e, `watch ${ref.plural}`),
          }).pipe(
            Effect.mapError(Option.some),
            Effect.flatMap((events) =>
              events === undefined
                ? Effect.fail(Option.none())
                : Effect.succeed(Chunk.unsafeFromArray(events)),
            ),
          ),
        );
      }),
    );

  return {
    server: transport.server,
    defaultNamespace,
    get: (ref, name, o = {}) =>
      transport.json({ method: "GET", path: resourcePath(ref, { namespace: nsOf(ref, o.namespace), name }) }),
    list,
    listAll,
    create: (ref, object, o = {}) => write("POST", ref, object, o),
    replace: (ref, object, o = {}) => write("PUT", ref, object, o),
    updateStatus: (ref, object, o = {}) => write("PUT", ref, object, o, "status"),
    patch: (ref, name, p, o = {}) => patch(ref, name, p, o),
    patchStatus: (ref, name, p, o = {}) => patch(ref, name, p, o, "status"),
    delete: (ref, name, o = {}) =>
      transport.json({
        method: "DELETE",
        path: resourcePath(ref, { namespace: nsOf(ref, o.namespace), name }),
        body: {
          apiVersion: "v1",
          kind: "DeleteOptions",
          ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
          ...(o.preconditions ? { preconditions: o.preconditions } : {}),
          ...(o.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: o.gracePeriodSeconds }),
          ...(o.dryRun ? { dryRun: ["All"] } : {}),
        },
      }),
    watch,
    request: (method, path, body, contentType) =>
      transport.json({
        method,
        path,
        ...(body === undefined ? {} : { body }),
        ...(contentType ? { contentType } : {}),
      }),
  };
};
