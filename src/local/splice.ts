// Joins two TCP sockets both ways until either ends, for the Service proxy and the cluster-name proxy.
import type { Socket } from "node:net";

/** Pipes `a` and `b` into each other; an error or close on one ends both. `open` tracks them until then. */
export const splice = (a: Socket, b: Socket, open: Set<Socket>): void => {
  open.add(a);
  open.add(b);
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
    open.delete(a);
    open.delete(b);
  };
  for (const s of [a, b]) {
    s.on("error", close);
    s.on("close", close);
  }
};
