// Fans committed events out to watchers. Delivery is synchronous into each watcher's own bounded queue,
// so one slow client never delays the commit path or the other watchers; a watcher whose queue overflows is
// closed and its client re-watches from its last seen resourceVersion, as clients of kube-apiserver do.
import type { StoredEvent } from "../storage/store";

export interface Subscriber {
  readonly rid: string;
  readonly namespace: string | undefined;
  /** Returns false when the subscriber is gone (closed or overflowed) and should be dropped. */
  deliver(event: StoredEvent): boolean;
  /** The end of a published batch (one turn's commits): what was delivered may go out now. */
  flush(): void;
  close(): void;
}

export class WatchHub {
  private readonly byResource = new Map<string, Set<Subscriber>>();

  subscribe(s: Subscriber): () => void {
    let set = this.byResource.get(s.rid);
    if (!set) {
      set = new Set();
      this.byResource.set(s.rid, set);
    }
    set.add(s);
    return () => {
      this.byResource.get(s.rid)?.delete(s);
    };
  }

  /** Delivers a turn's durable events, then tells each subscriber reached that the batch is complete. */
  publish(events: ReadonlyArray<StoredEvent>): void {
    const reached = new Set<Subscriber>();
    for (const e of events) {
      const set = this.byResource.get(e.rid);
      if (!set) continue;
      for (const s of set) {
        if (s.namespace !== undefined && s.namespace !== e.namespace) continue;
        if (s.deliver(e)) reached.add(s);
        else set.delete(s);
      }
    }
    for (const s of reached) s.flush();
  }

  /** Closes every watcher (the server is stopping). */
  closeAll(): void {
    for (const rid of [...this.byResource.keys()]) this.dropResource(rid);
  }

  /** Closes every watcher of a resource (its CRD went away). */
  dropResource(rid: string): void {
    for (const s of this.byResource.get(rid) ?? []) s.close();
    this.byResource.delete(rid);
  }
}
