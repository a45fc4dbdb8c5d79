/**
 * At most `limit` requests in flight at once; the rest wait their turn in arrival order. A client's
 * connection pool keeps only so many idle connections (Bun's fetch: 64 per TLS configuration), so a burst
 * beyond that opens connections only to close them again, each with its own TLS handshake on both sides;
 * waiting for a pooled one is cheaper than making a new one.
 */
export class RequestGate {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(
        `requests in flight: the limit must be a whole number of at least 1 (got ${limit})`,
      );
  }

  /** Runs `task` once a place is free; an abort while waiting rejects with the signal's reason. */
  async run<A>(signal: AbortSignal, task: () => Promise<A>): Promise<A> {
    if (this.inFlight >= this.limit) await this.turn(signal);
    else this.inFlight++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Resolves holding a place handed over by a finishing request (the count stays as it was). */
  private turn(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener("abort", abandon);
        resolve();
      };
      const abandon = () => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(signal.reason);
      };
      this.waiting.push(wake);
      signal.addEventListener("abort", abandon, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
