// Warm Sandboxes that claims are adopting right now, so concurrent claims spread over the pool instead of
// racing for its head (and losing to a 409). A reservation lapses after a short time: by then the cache shows
// the Sandbox out of the pool (it is no longer a candidate), or the adoption failed and it is free again.
// Lookups are per name, so an adopting pass costs the same however many claims are in flight.

/** What the claim planner asks: is this candidate taken by another claim's pass? */
export interface ReservedNames {
  has(name: string): boolean;
}

export class Reservations {
  /** namespace -> name -> until when (ms); by namespace so a lookup builds no key. */
  readonly #until = new Map<string, Map<string, number>>();
  #sweptAt = 0;

  constructor(private readonly ttlMs: number) {}

  reserve(namespace: string, name: string, now: number): void {
    const names = this.#until.get(namespace);
    if (names) names.set(name, now + this.ttlMs);
    else this.#until.set(namespace, new Map([[name, now + this.ttlMs]]));
    // Lapsed entries are dropped at most once per lifetime, so the map holds about two lifetimes' worth.
    if (now - this.#sweptAt < this.ttlMs) return;
    this.#sweptAt = now;
    for (const [ns, byName] of this.#until) {
      for (const [n, until] of byName) if (until <= now) byName.delete(n);
      if (byName.size === 0) this.#until.delete(ns);
    }
  }

  /** The reservations of one namespace as they stand at `now`. */
  in(namespace: string, now: number): ReservedNames {
    const names = this.#until.get(namespace);
    return names === undefined ? NONE : { has: (name) => (names.get(name) ?? 0) > now };
  }

  get size(): number {
    let n = 0;
    for (const names of this.#until.values()) n += names.size;
    return n;
  }
}

const NONE: ReservedNames = { has: () => false };
