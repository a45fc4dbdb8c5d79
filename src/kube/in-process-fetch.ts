// Requests to a server living in this process (local mode's embedded API server), answered by calling its
// handler directly: no socket, no HTTP parsing, no TLS. The handler does not answer to the caller's abort
// signal the way the network does, so that part of fetch's contract is kept here.
import type { FetchInit } from "./node-fetch";

/** A server's request handler, called in place of the network. */
export type InProcessServer = (request: Request) => Promise<Response>;

export const fetchInProcess = (server: InProcessServer, url: string, init: FetchInit): Promise<Response> => {
  const { signal } = init;
  if (signal.aborted) return Promise.reject(signal.reason);
  const answer = server(
    new Request(url, {
      method: init.method,
      headers: init.headers,
      signal,
      ...(init.body === undefined ? {} : { body: init.body }),
    }),
  );
  return new Promise((resolve, reject) => {
    const abort = () => {
      reject(signal.reason);
      // Nobody will read an answer that comes after the abort: cancelling its body ends what it opened.
      answer.then((res) => res.body?.cancel()).catch(() => undefined);
    };
    signal.addEventListener("abort", abort, { once: true });
    answer.then(
      (res) => {
        signal.removeEventListener("abort", abort);
        resolve(res);
      },
      (err) => {
        signal.removeEventListener("abort", abort);
        reject(err);
      },
    );
  });
};
