// Just enough of Kubernetes' protobuf encoding to accept what kubectl's imperative `create namespace`,
// `create configmap`, `create secret generic` and `create serviceaccount` send: the `k8s\0` envelope
// (runtime.Unknown) around a Namespace, ConfigMap, Secret or ServiceAccount. Field numbers are those of
// k8s.io/api's generated.proto. Anything else is refused as an unsupported media type by the caller.
import { badRequest } from "../status";

type Fields = Map<number, Array<number | Uint8Array>>;

const varint = (buf: Uint8Array, pos: { i: number }): number => {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos.i >= buf.length) throw badRequest("truncated protobuf varint");
    const b = buf[pos.i++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
    if (shift > 63) throw badRequest("protobuf varint too long");
  }
};

/** Decodes one message's fields; length-delimited values stay bytes for the caller to interpret. */
const fields = (buf: Uint8Array): Fields => {
  const out: Fields = new Map();
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const key = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: number | Uint8Array;
    if (wire === 0) value = varint(buf, pos);
    else if (wire === 2) {
      const len = varint(buf, pos);
      if (pos.i + len > buf.length) throw badRequest("truncated protobuf field");
      value = buf.subarray(pos.i, pos.i + len);
      pos.i += len;
    } else if (wire === 1 || wire === 5) {
      value = 0;
      pos.i += wire === 1 ? 8 : 4;
    } else throw badRequest(`unsupported protobuf wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
};

const decoder = new TextDecoder();
const bytesOf = (f: Fields, n: number): Uint8Array | undefined => {
  const v = f.get(n)?.at(-1);
  return v instanceof Uint8Array ? v : undefined;
};
const str = (f: Fields, n: number): string | undefined => {
  const b = bytesOf(f, n);
  return b === undefined ? undefined : decoder.decode(b);
};
const bool = (f: Fields, n: number): boolean | undefined => {
  const v = f.get(n)?.at(-1);
  return typeof v === "number" ? v !== 0 : undefined;
};
const map = (f: Fields, n: number, asBytes: boolean): Record<string, string> | undefined => {
  const entries = f.get(n);
  if (!entries) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    if (!(e instanceof Uint8Array)) continue;
    const kv = fields(e);
    const value = bytesOf(kv, 2) ?? new Uint8Array();
    out[str(kv, 1) ?? ""] = asBytes ? Buffer.from(value).toString("base64") : decoder.decode(value);
  }
  return out;
};

const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const objectMeta = (b: Uint8Array | undefined): Record<string, unknown> => {
  if (!b) return {};
  const f = fields(b);
  return defined({
    name: str(f, 1),
    generateName: str(f, 2),
    namespace: str(f, 3),
    labels: map(f, 11, false),
    annotations: map(f, 12, false),
  });
};

/** Kind -> decoder of its message (metadata is field 1 in every kind here). */
const KINDS: Readonly<Record<string, (f: Fields) => Record<string, unknown>>> = {
  Namespace: () => ({}),
  ServiceAccount: (f) => defined({ automountServiceAccountToken: bool(f, 4) }),
  ConfigMap: (f) => defined({ data: map(f, 2, false), binaryData: map(f, 3, true), immutable: bool(f, 4) }),
  Secret: (f) =>
    defined({ data: map(f, 2, true), type: str(f, 3), stringData: map(f, 4, false), immutable: bool(f, 5) }),
};

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

export const isProtobufMedia = (media: string): boolean => media === "application/vnd.kubernetes.protobuf";

/** The JSON object a protobuf request body carries, or undefined when its kind is not one we decode. */
export const decodeProtobufObject = (body: Uint8Array): Record<string, unknown> | undefined => {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b))
    throw badRequest("protobuf body lacks the k8s envelope");
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(bytesOf(unknown, 1) ?? new Uint8Array());
  const apiVersion = str(typeMeta, 1);
  const kind = str(typeMeta, 2) ?? "";
  const decode = KINDS[kind];
  if (!decode || apiVersion !== "v1") return undefined;
  const message = fields(bytesOf(unknown, 2) ?? new Uint8Array());
  return { apiVersion, kind, metadata: objectMeta(bytesOf(message, 1)), ...decode(message) };
};
