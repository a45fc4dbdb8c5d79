// ClusterIP allocation for Services created without one, as kube-apiserver does. The range is on loopback
// so local mode's Service proxy can listen on every address it hands out without touching the host network.

/** Where ClusterIPs come from (127.96.0.0/16: next to the node agent's 127.1.0.0/16 pod range). */
export const SERVICE_CIDR = "127.96.0.0/16";

const BASE = ((127 << 24) | (96 << 16)) >>> 0;
const SIZE = 1 << 16;

const toIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/**
 * The first free address at or after `start` (wrapping), skipping the network and broadcast addresses;
 * undefined when every address is taken. Random starts, as kube-apiserver's allocator, make two API servers
 * on one machine (tests, several local modes) unlikely to hand out the same address.
 */
export const pickClusterIp = (taken: ReadonlySet<string>, start: number): string | undefined => {
  const usable = SIZE - 2;
  const first = ((Math.trunc(start) % usable) + usable) % usable;
  for (let i = 0; i < usable; i++) {
    const ip = toIp(BASE + 1 + ((first + i) % usable));
    if (!taken.has(ip)) return ip;
  }
  return undefined;
};

/** A random starting point for `pickClusterIp`. */
export const randomStart = (): number => crypto.getRandomValues(new Uint32Array(1))[0]!;
