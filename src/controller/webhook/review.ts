// ConversionReview (apiextensions.k8s.io/v1) handling: the pure core of the `/convert` webhook.
import { Either } from "effect";
import { convertObject } from "../../api";

export interface ConversionReviewResponse {
  readonly apiVersion: "apiextensions.k8s.io/v1";
  readonly kind: "ConversionReview";
  readonly response: {
    readonly uid: string;
    readonly convertedObjects: ReadonlyArray<Record<string, unknown>>;
    readonly result:
      | { readonly status: "Success" }
      | { readonly status: "Failure"; readonly message: string };
  };
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** Converts every object of the review; a single failure fails the whole review, as the API server expects. */
export const reviewConversion = (body: unknown): Either.Either<ConversionReviewResponse, string> => {
  if (!isRecord(body) || body.kind !== "ConversionReview") return Either.left("expected a ConversionReview");
  const request = body.request;
  if (!isRecord(request)) return Either.left("ConversionReview has no request");
  const uid = typeof request.uid === "string" ? request.uid : "";
  const desired = request.desiredAPIVersion;
  if (typeof desired !== "string") return Either.left("request.desiredAPIVersion must be a string");
  if (!Array.isArray(request.objects)) return Either.left("request.objects must be a list");
  const reply = (
    result: ConversionReviewResponse["response"]["result"],
    convertedObjects: Record<string, unknown>[] = [],
  ) =>
    Either.right<ConversionReviewResponse>({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: { uid, convertedObjects, result },
    });
  const converted: Record<string, unknown>[] = [];
  for (const [i, object] of request.objects.entries()) {
    const out = convertObject(object, desired);
    if (Either.isLeft(out))
      return reply({ status: "Failure", message: `objects[${i}]: ${out.left.message}` });
    converted.push(out.right);
  }
  return reply({ status: "Success" }, converted);
};
