// Chooses the patch algorithm from the request's Content-Type and applies it to the current object.
import YAML from "yaml";
import type { KObject, ResourceDef } from "../resources/types";
import { type ApiError, badRequest, unprocessable, unsupportedMediaType } from "../status";
import { applyJsonPatch, JsonPatchError } from "./json-patch";
import { isPlainObject, mergePatch } from "./merge";
import { strategicMerge } from "./strategic";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const TYPES: Readonly<Record<string, PatchType>> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+json": "apply",
};

export const patchTypeOf = (def: ResourceDef, contentType: string): PatchType | ApiError => {
  const media = contentType.split(";")[0]!.trim().toLowerCase();
  const type = TYPES[media];
  if (type && (type !== "strategic" || def.builtin)) return type;
  const accepted = Object.keys(TYPES).filter((t) => def.builtin || TYPES[t] !== "strategic");
  return unsupportedMediaType(media, accepted);
};

export const parsePatchBody = (type: PatchType, text: string): unknown => {
  try {
    return type === "apply" ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
};

/** The patched object; server-side apply is approximated by a merge without field ownership. */
export const applyPatch = (def: ResourceDef, type: PatchType, current: KObject, patch: unknown): KObject => {
  let out: unknown;
  switch (type) {
    case "json":
      try {
        out = applyJsonPatch(current, patch);
      } catch (err) {
        if (err instanceof JsonPatchError)
          throw unprocessable(
            `the server rejected our request due to an error in our request: ${err.message}`,
          );
        throw err;
      }
      break;
    case "merge":
      if (!isPlainObject(patch)) throw badRequest("a merge patch must be a JSON object");
      out = mergePatch(current, patch);
      break;
    case "strategic":
    case "apply":
      if (!isPlainObject(patch)) throw badRequest("the patch must be an object");
      out = def.builtin ? strategicMerge(current, patch) : mergePatch(current, patch);
      break;
  }
  if (!isPlainObject(out)) throw unprocessable("the patched object must be a JSON object");
  return out as KObject;
};
