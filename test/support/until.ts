// Waiting for an eventually consistent system to get somewhere, without timing assertions.

/** Polls `probe` every 100 ms until it returns a value; fails naming `what` after `seconds`. */
export const until = async <A>(
  what: string,
  probe: () => Promise<A | undefined>,
  seconds = 60,
): Promise<A> => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
};
