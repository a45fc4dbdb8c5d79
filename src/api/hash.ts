// FNV-1a 32-bit over the UTF-8 bytes, 8 lowercase hex chars: the Go controller's NameHash, so labels we
// write match the ones it writes when both share a cluster.
const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;
const encoder = new TextEncoder();

export const nameHash = (s: string): string => {
  let hash = OFFSET_BASIS;
  for (const byte of encoder.encode(s)) {
    hash ^= byte;
    hash = Math.imul(hash, PRIME) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
};
