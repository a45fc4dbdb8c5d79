import { Data, Either } from "effect";

export class InvalidCidr extends Data.TaggedError("InvalidCidr")<{
  readonly cidr: string;
  readonly message: string;
}> {}

/** An IPv4 range of pod addresses inside 127.0.0.0/8, so every address is reachable on loopback. */
export interface LoopbackRange {
  readonly first: number;
  readonly size: number;
}

const toInt = (ip: string): number | undefined => {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};

export const ipToString = (n: number): string =>
  [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** Parses `127.a.b.c/len` (len 8..30); anything outside 127.0.0.0/8 is rejected: pods share the host's loopback. */
export const parseLoopbackCidr = (cidr: string): Either.Either<LoopbackRange, InvalidCidr> => {
  const [ip, lenText] = cidr.split("/");
  const base = ip === undefined ? undefined : toInt(ip);
  const len = Number(lenText);
  if (base === undefined || !Number.isInteger(len) || len < 8 || len > 30)
    return Either.left(
      new InvalidCidr({ cidr, message: "expected an IPv4 CIDR like 127.1.0.0/16 (prefix 8-30)" }),
    );
  if (base >>> 24 !== 127)
    return Either.left(new InvalidCidr({ cidr, message: "pod IPs must be inside 127.0.0.0/8" }));
  const size = 2 ** (32 - len);
  return Either.right({ first: base - (base % size), size });
};

/**
 * The usable addresses of a range, in allocation order: never the network or broadcast address, nor
 * any `.0`/`.255` address, nor 127.0.0.1 (the host's own).
 */
export const usable = (range: LoopbackRange, n: number): boolean => {
  const ip = range.first + n;
  const last = ip & 255;
  return n > 0 && n < range.size - 1 && last !== 0 && last !== 255 && ipToString(ip) !== "127.0.0.1";
};
