// Request bodies: the 3 MiB limit kube-apiserver enforces, and JSON, YAML or (a little) protobuf decoding.
import YAML from "yaml";
import { badRequest, tooLarge, unsupportedMediaType } from "../status";
import { decodeProtobufObject, isProtobufMedia } from "./protobuf";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A declared length bounds the body (HTTP framing), so such a body is read in one native step. */
const declaredLength = (req: Request): number | undefined => {
  const header = req.headers.get("content-length");
  if (header === null) return undefined;
  const declared = Number(header);
  if (declared > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  return Number.isFinite(declared) ? declared : undefined;
};

const readBodyBytes = async (req: Request): Promise<Uint8Array> => {
  const declared = declaredLength(req);
  if (!req.body) return new Uint8Array();
  if (declared !== undefined) return new Uint8Array(await req.arrayBuffer());
  // Chunked: count as it arrives, so an endless body is cut off at the limit.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

export const readBodyText = async (req: Request): Promise<string> =>
  req.body && declaredLength(req) !== undefined
    ? await req.text()
    : Buffer.from(await readBodyBytes(req)).toString("utf8");

const OBJECT_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

export interface ObjectBody {
  readonly object: unknown;
  /** The text of a JSON body, where fieldValidation looks for duplicate keys. */
  readonly json?: string;
}

/** Reads and decodes a create/update body (JSON, YAML, or protobuf for the few kinds kubectl sends so). */
export const readObjectBody = async (req: Request): Promise<ObjectBody> => {
  const contentType = req.headers.get("content-type") ?? "";
  const media = contentType.split(";")[0]!.trim().toLowerCase();
  if (!isProtobufMedia(media)) return decodeObjectBody(media, await readBodyText(req));
  const decoded = decodeProtobufObject(await readBodyBytes(req));
  if (decoded === undefined) throw unsupportedMediaType(media, ["application/json", "application/yaml"]);
  return { object: decoded };
};

/**
 * Decodes a JSON or YAML body; an empty Content-Type is taken as JSON, as clients often omit it. YAML
 * refuses duplicate keys itself, so only JSON bodies keep their text for the duplicate check.
 */
const decodeObjectBody = (media: string, text: string): ObjectBody => {
  const yaml = media === "application/yaml" || media === "application/x-yaml" || media === "text/yaml";
  if (!yaml && media !== "" && media !== "application/json" && media !== "*/*") {
    throw unsupportedMediaType(media, OBJECT_TYPES);
  }
  if (text.trim() === "") throw badRequest("the request body is empty; an object was expected");
  try {
    return yaml ? { object: YAML.parse(text) } : { object: JSON.parse(text), json: text };
  } catch (err) {
    throw badRequest(
      `the request body could not be decoded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
};

/** DeleteOptions may arrive as a body (often empty) on DELETE. */
export const decodeOptionalBody = (text: string): unknown => {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(
      `the request body could not be decoded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
};
