// The router image's entrypoint in local mode. Pods here share the host's network, each on its own
// loopback address, so the chart's wildcard binds (`--http-bind-address=:8080`) would take the port on every
// address at once: two replicas, or local mode's own router on 127.0.0.1:8080, could not coexist. Binds on
// every address (and the router's defaults) are narrowed to the pod's IP; then the router's CLI runs as is.
import { BunRuntime } from "@effect/platform-bun";
import { program } from "../router/main";

const BIND_FLAGS: ReadonlyArray<readonly [flag: string, defaultPort: number]> = [
  ["--http-bind-address", 8080],
  ["--metrics-bind-address", 9090],
];

const WILDCARD = /^(|0\.0\.0\.0|\[::\]|::)$/;

const narrow = (value: string, podIP: string): string => {
  if (value === "0") return value; // metrics disabled
  const colon = value.lastIndexOf(":");
  if (colon < 0) return value;
  return WILDCARD.test(value.slice(0, colon)) ? `${podIP}${value.slice(colon)}` : value;
};

/** The router's arguments with wildcard (and absent) bind addresses on `podIP` instead. */
export const narrowBinds = (argv: readonly string[], podIP: string): string[] => {
  const out = [...argv];
  for (const [flag, port] of BIND_FLAGS) {
    let seen = false;
    for (let i = 0; i < out.length; i++) {
      const arg = out[i]!;
      if (arg.startsWith(`${flag}=`)) {
        out[i] = `${flag}=${narrow(arg.slice(flag.length + 1), podIP)}`;
        seen = true;
      } else if (arg === flag && i + 1 < out.length) {
        out[i + 1] = narrow(out[i + 1]!, podIP);
        seen = true;
        i++;
      }
    }
    if (!seen) out.push(`${flag}=${podIP}:${port}`);
  }
  return out;
};

if (import.meta.main) {
  const podIP = process.env.POD_IP;
  if (podIP) process.argv = [...process.argv.slice(0, 2), ...narrowBinds(process.argv.slice(2), podIP)];
  BunRuntime.runMain(program);
}
