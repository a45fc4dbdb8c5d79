// IP literal parsing and the classification the Pod-IP SSRF guard needs. Pure and allocation-light:
// addresses are parsed into 16 bytes (IPv4 as v4-mapped IPv6) so one set of range checks covers both.

export interface ParsedIp {
  /** 16 bytes; IPv4 addresses are stored v4-mapped (::ffff:a.b.c.d). */
  readonly bytes: Uint8Array;
  readonly version: 4 | 6;
}

export interface Cidr {
  readonly bytes: Uint8Array;
  /** Prefix length in the 128-bit space (an IPv4 /16 is stored as /112). */
  readonly prefix: number;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseV4Into(s: string, out: Uint8Array, offset: number): boolean {
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || index === 3) return false;
      out[offset + index++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // Leading zeros are ambiguous (octal in some parsers), so they are rejected, as Python does.
      if (digits === 1 && octet === 0) return false;
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return false;
    } else {
      return false;
    }
  }
  if (digits === 0 || index !== 3) return false;
  out[offset + 3] = octet;
  return true;
}

function parseV6Into(s: string, out: Uint8Array): boolean {
  const doubleColon = s.indexOf("::");
  if (doubleColon !== -1 && s.indexOf("::", doubleColon + 1) !== -1) return false;
  const head = doubleColon === -1 ? s : s.slice(0, doubleColon);
  const tail = doubleColon === -1 ? "" : s.slice(doubleColon + 2);
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  const words: number[] = [];
  const parseGroups = (groups: string[], allowV4Last: boolean, into: number[]): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4Last && i === groups.length - 1 && g.includes(".")) {
        const v4 = new Uint8Array(4);
        if (!parseV4Into(g, v4, 0)) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return false;
      into.push(Number.parseInt(g, 16));
    }
    return true;
  };
  const tailWords: number[] = [];
  if (!parseGroups(headGroups, doubleColon === -1, words)) return false;
  if (!parseGroups(tailGroups, true, tailWords)) return false;
  const total = words.length + tailWords.length;
  if (doubleColon === -1 ? total !== 8 : total > 7) return false;
  const all = [...words, ...new Array<number>(8 - total).fill(0), ...tailWords];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = all[i]! >> 8;
    out[i * 2 + 1] = all[i]! & 0xff;
  }
  return true;
}

/** Parses an IPv4 or IPv6 literal (no brackets, no zone). Returns undefined when it is not one. */
export function parseIp(s: string): ParsedIp | undefined {
  const bytes = new Uint8Array(16);
  if (s.includes(":")) {
    if (s.includes("%")) return undefined;
    return parseV6Into(s, bytes) ? { bytes, version: 6 } : undefined;
  }
  for (let i = 0; i < 12; i++) bytes[i] = V4_MAPPED_PREFIX[i]!;
  return parseV4Into(s, bytes, 12) ? { bytes, version: 4 } : undefined;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (b[i] !== V4_MAPPED_PREFIX[i]) return false;
  return true;
}

/**
 * True for addresses the router must never dial on a client's say-so: loopback, link-local, multicast and
 * unspecified, in IPv4, IPv6 and IPv4-mapped IPv6 form (::ffff:127.0.0.1 is loopback too).
 */
export function isForbiddenTarget(ip: ParsedIp): boolean {
  const b = ip.bytes;
  if (isV4Mapped(b)) {
    const a = b[12]!;
    return (
      a === 127 || // loopback
      (a === 169 && b[13] === 254) || // link-local
      (a >= 224 && a <= 239) || // multicast
      (a === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0) // unspecified
    );
  }
  let zeroPrefix = true;
  for (let i = 0; i < 15; i++) {
    if (b[i] !== 0) {
      zeroPrefix = false;
      break;
    }
  }
  if (zeroPrefix && (b[15] === 0 || b[15] === 1)) return true; // :: and ::1
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return true; // fe80::/10 link-local
  return b[0] === 0xff; // ff00::/8 multicast
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf("/");
  const addr = parseIp(slash === -1 ? s : s.slice(0, slash));
  if (addr === undefined) return undefined;
  const max = addr.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const raw = s.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(raw)) return undefined;
    prefix = Number(raw);
    if (prefix > max) return undefined;
  }
  return { bytes: addr.bytes, prefix: addr.version === 4 ? prefix + 96 : prefix };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  let bits = cidr.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((cidr.bytes[i]! & mask) !== (ip.bytes[i]! & mask)) return false;
  }
  return true;
}

/** The host part of a URL for this address: IPv6 is bracketed, IPv4-mapped IPv6 stays IPv6. */
export function formatHost(raw: string, ip: ParsedIp): string {
  return ip.version === 6 ? `[${raw}]` : raw;
}
