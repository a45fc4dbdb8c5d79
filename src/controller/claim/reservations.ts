// Warm Sandboxes that claims are adopting right now, so concurrent claims spread over the pool instead of
// racing for its head (and losing to a 409). A reservation lapses after a short time: by then the cache shows
// the Sandbox out of the pool (it is no longer a candidate), or the adoption failed and it is free again.
// Lookups are per name, so an adopting pass costs the same however many claims are in flight.

/** What the claim planner asks: is this candidate taken by another claim's pass? */
export interface ReservedNames {
  has(name: string): boolean;
}

export class Reservations {
  /** "namespace/name" -> until when (ms). */
  readonly #until = new Map<string, number>();
  #sweptAt = 0;

  constructor(private readonly ttlMs: number) {}

  reserve(namespace: string, name: string, now: number): void {
    this.#until.set(`${namespace}/${name}`, now + this.ttlMs);
    // Lapsed entries are dropped at most once per lifetime, so the map holds about two lifetimes' worth.
    if (now - this.#sweptAt < this.ttlMs) return;
    this.#sweptAt = now;
    for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
  }

  /** The reservations of one namespace as they stand at `now`. */
  in(namespace: string, now: number): ReservedNames {
    return { has: (name) => (this.#until.get(`${namespace}/${name}`) ?? 0) > now };
  }

  get size(): number {
    return this.#until.size;
  }
}
