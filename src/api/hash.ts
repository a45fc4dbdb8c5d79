// FNV-1a 32-bit over the UTF-8 bytes, 8 lowercase hex chars: the Go controller's NameHash, so labels we
// write match the ones it writes when both share a cluster.
const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;
const encoder = new TextEncoder();

const step = (hash: number, byte: number): number => Math.imul(hash ^ byte, PRIME) >>> 0;

export const nameHash = (s: string): string => {
  let hash = OFFSET_BASIS;
  let i = 0;
  // Kubernetes names are ASCII, where a character is its UTF-8 byte: no encoding needed until one is not.
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    hash = step(hash, c);
  }
  if (i < s.length) for (const byte of encoder.encode(s.slice(i))) hash = step(hash, byte);
  return hash.toString(16).padStart(8, "0");
};
