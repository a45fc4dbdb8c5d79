// Messages between the soak runner and a component process (component.ts) over Bun's IPC channel.
export interface MemorySample {
  /** Resident set size after a full GC. */
  readonly rssKb: number;
  /** JavaScriptCore heap in use after the same GC: growth here is retained objects, not allocator slack. */
  readonly heapKb: number;
  /** Memory JS objects hold outside that heap (array buffers, large strings). */
  readonly extraKb: number;
  readonly objects: number;
  /** Live objects per type (JSC's names: Object, Array, Function, Promise, ...). */
  readonly objectTypeCounts: Record<string, number>;
}

export type ParentMessage = { readonly type: "sample"; readonly id: number } | { readonly type: "stop" };

export type ChildMessage =
  | { readonly type: "ready"; readonly url: string }
  | { readonly type: "sample"; readonly id: number; readonly sample: MemorySample }
  | { readonly type: "stopped" };
