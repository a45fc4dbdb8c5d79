// JSON Patch (RFC 6902) with RFC 6901 pointers. Failures become the 422/500 bodies the caller chooses.
import { isPlainObject } from "./merge";

export class JsonPatchError extends Error {}

interface Operation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

const parsePointer = (p: string): string[] => {
  if (p === "") return [];
  if (!p.startsWith("/")) throw new JsonPatchError(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
};

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const parentOf = (doc: unknown, parts: ReadonlyArray<string>, path: string): unknown => {
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`doc is missing path: "${path}"`);
  }
  return cur;
};

const arrayIndex = (arr: unknown[], key: string, path: string, forInsert: boolean): number => {
  if (forInsert && key === "-") return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new JsonPatchError(`invalid array index "${key}" in "${path}"`);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i === arr.length)) {
    throw new JsonPatchError(`index out of range in "${path}"`);
  }
  return i;
};

const get = (doc: unknown, path: string): unknown => {
  let cur = doc;
  for (const part of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, part, path, false)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else throw new JsonPatchError(`doc is missing path: "${path}"`);
  }
  return cur;
};

const remove = (doc: unknown, path: string): unknown => {
  const parts = parsePointer(path);
  if (parts.length === 0) throw new JsonPatchError("cannot remove the document root");
  const parent = parentOf(doc, parts, path);
  const key = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(arrayIndex(parent, key, path, false), 1);
    return removed;
  }
  if (isPlainObject(parent) && Object.hasOwn(parent, key)) {
    const removed = parent[key];
    delete parent[key];
    return removed;
  }
  throw new JsonPatchError(`unable to remove nonexistent key: ${key}: missing value`);
};

const add = (doc: unknown, path: string, value: unknown, replace: boolean): unknown => {
  const parts = parsePointer(path);
  if (parts.length === 0) return value;
  const parent = parentOf(doc, parts, path);
  const key = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, path, !replace);
    parent.splice(i, replace ? 1 : 0, value);
  } else if (isPlainObject(parent)) {
    if (replace && !Object.hasOwn(parent, key)) throw new JsonPatchError(`doc is missing key: ${path}`);
    parent[key] = value;
  } else throw new JsonPatchError(`doc is missing path: "${path}"`);
  return doc;
};

export const applyJsonPatch = (target: unknown, ops: unknown): unknown => {
  if (!Array.isArray(ops)) throw new JsonPatchError("a JSON patch must be an array of operations");
  let doc = clone(target);
  for (const raw of ops) {
    if (!isPlainObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") {
      throw new JsonPatchError("each JSON patch operation needs string 'op' and 'path'");
    }
    const op = raw as unknown as Operation;
    switch (op.op) {
      case "add":
        doc = add(doc, op.path, clone(op.value), false);
        break;
      case "replace":
        doc = add(doc, op.path, clone(op.value), true);
        break;
      case "remove":
        remove(doc, op.path);
        break;
      case "move": {
        if (typeof op.from !== "string") throw new JsonPatchError("move needs 'from'");
        const v = remove(doc, op.from);
        doc = add(doc, op.path, v, false);
        break;
      }
      case "copy": {
        if (typeof op.from !== "string") throw new JsonPatchError("copy needs 'from'");
        doc = add(doc, op.path, clone(get(doc, op.from)), false);
        break;
      }
      case "test":
        if (!deepEqual(get(doc, op.path), op.value)) {
          throw new JsonPatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
};
