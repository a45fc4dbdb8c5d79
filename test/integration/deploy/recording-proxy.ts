// A pass-through HTTP proxy in front of the embedded API server that records every resource request as
// RBAC reads it, so a test can compare what a process really asks for with the role it is given.

import { startPassThroughProxy } from "../../support/pass-through-proxy";
import { grantKey, type RequestAttributes, requestAttributes } from "../../unit/deploy/rbac";

export interface RecordingProxy {
  readonly url: string;
  /** Every resource request seen, in order. */
  readonly requests: ReadonlyArray<RequestAttributes>;
  /** The distinct (group, resource, verb) triples seen, as grantKey strings. */
  readonly triples: () => Set<string>;
  readonly stop: () => Promise<void>;
}

export const startRecordingProxy = (upstream: string, tls?: { readonly ca: string }): RecordingProxy => {
  const requests: RequestAttributes[] = [];
  const proxy = startPassThroughProxy(upstream, {
    ...(tls === undefined ? {} : { tls }),
    intercept: (req, url) => {
      const attributes = requestAttributes(req.method, url.pathname + url.search);
      if (attributes !== undefined) requests.push(attributes);
      return undefined;
    },
  });
  return {
    url: proxy.url,
    requests,
    triples: () => new Set(requests.map((r) => grantKey(r.group, r.resource, r.verb))),
    stop: proxy.stop,
  };
};
