// Pod-only subresources: `log` (read from files the node agent names) and `binding` (scheduling).
import { open, stat } from "node:fs/promises";
import type { Engine, Target } from "./engine";
import { metaOf } from "./meta";
import { isPlainObject } from "./patch/merge";
import { badRequest, conflict, type StatusBody } from "./status";

/** Where a container's log lives; the node agent registers this. Undefined when there is no log yet. */
export type PodLogSource = (namespace: string, pod: string, container: string) => string | undefined;

export interface LogQuery {
  readonly container?: string;
  readonly follow?: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
}

const containerNames = (pod: Record<string, unknown>): string[] => {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec.containers) ? spec.containers : [];
  return list.map((c) => (isPlainObject(c) && typeof c.name === "string" ? c.name : "")).filter(Boolean);
};

const tail = (text: string, lines: number): string => {
  const parts = text.split("\n");
  const trailing = parts[parts.length - 1] === "" ? parts.pop() : undefined;
  return parts.slice(Math.max(0, parts.length - lines)).join("\n") + (trailing === "" ? "\n" : "");
};

const readFrom = async (path: string, offset: number): Promise<{ text: string; size: number }> => {
  const info = await stat(path).catch(() => undefined);
  if (!info || info.size <= offset) return { text: "", size: info?.size ?? offset };
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(info.size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return { text: buf.toString("utf8"), size: info.size };
  } finally {
    await fh.close();
  }
};

const FOLLOW_POLL_MS = 200;

/** The container's log as text, or a stream that follows it until the pod goes or the client leaves. */
export const podLog = async (
  engine: Engine,
  t: Target,
  name: string,
  q: LogQuery,
  source: PodLogSource | undefined,
  signal: AbortSignal,
): Promise<string | ReadableStream<Uint8Array>> => {
  const pod = engine.get(t, name);
  const names = containerNames(pod);
  const container = q.container ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
    );
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const path = source?.(t.namespace, name, container);
  if (!path) return "";
  const first = await readFrom(path, 0);
  let text = q.tailLines !== undefined ? tail(first.text, q.tailLines) : first.text;
  if (q.limitBytes !== undefined) text = text.slice(0, q.limitBytes);
  if (!q.follow) return text;
  const uid = metaOf(pod).uid;
  const encoder = new TextEncoder();
  let offset = first.size;
  let timer: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (text) controller.enqueue(encoder.encode(text));
      let busy = false;
      timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          const current = engine.store.get("pods", t.namespace, name);
          if (signal.aborted || !current || metaOf(current).uid !== uid) {
            clearInterval(timer);
            controller.close();
            return;
          }
          const next = await readFrom(path, offset);
          offset = next.size;
          if (next.text) controller.enqueue(encoder.encode(next.text));
        } catch {
          clearInterval(timer);
          controller.close();
        } finally {
          busy = false;
        }
      }, FOLLOW_POLL_MS);
    },
    cancel() {
      clearInterval(timer);
    },
  });
};

/** Assigns a pod to a node, once, as the scheduler does through `pods/binding`. */
export const bindPod = (engine: Engine, t: Target, name: string, body: unknown): StatusBody => {
  const target = isPlainObject(body) && isPlainObject(body.target) ? body.target : undefined;
  if (!target || typeof target.name !== "string" || target.name === "") {
    throw badRequest("a Binding with target.name is required");
  }
  const pod = engine.get(t, name);
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") {
    throw conflict(t.def, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  }
  // Binding writes spec.nodeName, which ordinary updates may not change; go through the store directly.
  const stored = engine.stored(t.def, t.namespace, name)!;
  engine.commit([
    { type: "MODIFIED", rid: "pods", object: { ...stored, spec: { ...spec, nodeName: target.name } } },
  ]);
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
};
