import type { ImageHost } from "./images";
import type { HostFs, Isolation } from "./launch";

/** Settings every part of the agent reads, resolved once at start. */
export interface AgentConfig {
  readonly nodeName: string;
  /** Pods live in `<stateDir>/pods`, PVC directories in `<stateDir>/volumes`. */
  readonly stateDir: string;
  /** The node's address (`status.hostIP`); pods share the host network. */
  readonly hostIP: string;
  readonly isolation: Isolation;
  /** The host filesystem bubblewrap roots are built from. */
  readonly hostFs: HostFs;
  readonly bwrap: string;
  /** The file bound over a bubblewrap pod's `/etc/hosts`, by the pod's namespace; none when unset. */
  readonly hostsFile?: (namespace: string) => string;
  readonly images: ImageHost;
  /** Crash-loop backoff between container restarts (kubelet: 10 s doubling to 5 min). */
  readonly restartBackoff: { readonly baseMs: number; readonly capMs: number };
  /** Upper bound on any termination grace period, so stopping the agent never hangs for long. */
  readonly maxGracePeriodSeconds: number;
  /** Set in every pod process's environment, so a later agent can find what this one left (leftovers.ts). */
  readonly processMark: string;
}
