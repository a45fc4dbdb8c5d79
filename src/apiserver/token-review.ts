// authentication.k8s.io TokenReview: answers whether a token is this server's, without storing anything.
// The router's TokenReview auth mode relies on it.
import { isPlainObject } from "./patch/merge";
import type { KObject } from "./resources/types";
import { badRequest } from "./status";

export const reviewToken = (body: unknown, serverToken: string): KObject => {
  if (!isPlainObject(body) || !isPlainObject(body.spec) || typeof body.spec.token !== "string") {
    throw badRequest("a TokenReview with spec.token is required");
  }
  const authenticated = body.spec.token === serverToken;
  return {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenReview",
    metadata: { creationTimestamp: null },
    spec: body.spec,
    status: authenticated
      ? {
          authenticated: true,
          user: { username: "agent-sandbox-admin", groups: ["system:masters", "system:authenticated"] },
          audiences: Array.isArray(body.spec.audiences) ? body.spec.audiences : [],
        }
      : { authenticated: false, error: "invalid bearer token" },
  };
};
