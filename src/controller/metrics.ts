// Prometheus metrics with upstream's names and buckets (§2.8), exposed in the text format.
import type { v1beta1 } from "../api";
import {
  ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT,
  ANNOTATION_SANDBOX_TEMPLATE_REF,
  CONDITION_READY,
  LABEL_CREATED_BY,
  LABEL_LAUNCH_TYPE,
  REASON_SANDBOX_EXPIRED,
} from "../api";
import { controllerOf } from "./common/meta";

export const LATENCY_BUCKETS_MS = [
  100, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 5000, 10000, 30000, 60000, 120000, 240000,
];

type Labels = Readonly<Record<string, string>>;
const labelKey = (labels: Labels) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const render = (labels: Labels, extra: Labels = {}) => {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
};

export class Histogram {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: ReadonlyArray<number> = LATENCY_BUCKETS_MS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]! += 1;
    });
    s.sum += value;
    s.count += 1;
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.#series.values()) {
      for (const [i, b] of this.buckets.entries())
        lines.push(`${this.name}_bucket${render(s.labels, { le: String(b) })} ${s.counts[i]}`);
      lines.push(`${this.name}_bucket${render(s.labels, { le: "+Inf" })} ${s.count}`);
      lines.push(
        `${this.name}_sum${render(s.labels)} ${s.sum}`,
        `${this.name}_count${render(s.labels)} ${s.count}`,
      );
    }
    return lines.join("\n");
  }
}

export class Counter {
  readonly #series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    const key = labelKey(labels);
    const s = this.#series.get(key) ?? { labels, value: 0 };
    s.value += by;
    this.#series.set(key, s);
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const s of this.#series.values()) lines.push(`${this.name}${render(s.labels)} ${s.value}`);
    return lines.join("\n");
  }
}

/** A gauge computed at scrape time from the caches (upstream's collector). */
const gauge = (name: string, help: string, series: ReadonlyArray<{ labels: Labels; value: number }>) =>
  [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...series.map((s) => `${name}${render(s.labels)} ${s.value}`),
  ].join("\n");

const launchType = (s: v1beta1.Sandbox | undefined) => s?.metadata.labels?.[LABEL_LAUNCH_TYPE] ?? "unknown";
const templateOf = (s: v1beta1.Sandbox | undefined) =>
  s?.metadata.annotations?.[ANNOTATION_SANDBOX_TEMPLATE_REF] ?? "unknown";

export class ControllerMetrics {
  readonly claimStartup = new Histogram(
    "agent_sandbox_claim_startup_latency_ms",
    "Time from claim creation to Ready, in milliseconds.",
  );
  readonly claimControllerStartup = new Histogram(
    "agent_sandbox_claim_controller_startup_latency_ms",
    "Time from the controller first observing a claim to Ready, in milliseconds.",
  );
  readonly sandboxCreation = new Histogram(
    "agent_sandbox_creation_latency_ms",
    "Time from Sandbox creation to Ready, in milliseconds.",
  );
  readonly claimCreation = new Counter("agent_sandbox_claim_creation_total", "Claims that got a Sandbox.");
  readonly #sandboxesReady = new Set<string>();
  /** Passes skipped as echoes of the key's own patches (not exposed: for tests and benches). */
  ownEchoesSkipped = 0;

  /** Called with a claim whose Ready condition just turned True and the Sandbox it is bound to. */
  claimReady(claim: v1beta1.SandboxClaim, sandbox: v1beta1.Sandbox | undefined, now: number): void {
    const labels = { launch_type: launchType(sandbox), sandbox_template: templateOf(sandbox) };
    const created = Date.parse(claim.metadata.creationTimestamp ?? "");
    if (!Number.isNaN(created)) this.claimStartup.observe(labels, Math.max(0, now - created));
    const observed = Date.parse(claim.metadata.annotations?.[ANNOTATION_CONTROLLER_FIRST_OBSERVED_AT] ?? "");
    if (!Number.isNaN(observed)) this.claimControllerStartup.observe(labels, Math.max(0, now - observed));
    this.claimCreation.inc({
      namespace: claim.metadata.namespace ?? "",
      sandbox_template: labels.sandbox_template,
      launch_type: labels.launch_type,
      warmpool_name: claim.spec.warmPoolRef.name,
      pod_condition: "ready",
      created_by: claim.metadata.labels?.[LABEL_CREATED_BY] ?? "unknown",
    });
  }

  /** Called after each Sandbox reconcile; records creation latency the first time a Sandbox is Ready. */
  sandboxSeen(sandbox: v1beta1.Sandbox, ready: boolean, now: number): void {
    const uid = sandbox.metadata.uid ?? "";
    if (!ready || this.#sandboxesReady.has(uid)) return;
    this.#sandboxesReady.add(uid);
    const created = Date.parse(sandbox.metadata.creationTimestamp ?? "");
    if (!Number.isNaN(created))
      this.sandboxCreation.observe(
        {
          namespace: sandbox.metadata.namespace ?? "",
          launch_type: launchType(sandbox),
          sandbox_template: templateOf(sandbox),
        },
        Math.max(0, now - created),
      );
  }

  sandboxGone(uid: string): void {
    this.#sandboxesReady.delete(uid);
  }

  /** How many Sandboxes are remembered as already counted Ready (each is forgotten once deleted). */
  get readySandboxesTracked(): number {
    return this.#sandboxesReady.size;
  }

  expose(sandboxes: ReadonlyArray<v1beta1.Sandbox>): string {
    const counts = new Map<string, { labels: Labels; value: number }>();
    for (const s of sandboxes) {
      const ready = s.status?.conditions?.find((c) => c.type === CONDITION_READY);
      const labels = {
        namespace: s.metadata.namespace ?? "",
        ready_condition: ready?.status === "True" ? "true" : "false",
        expired: ready?.reason === REASON_SANDBOX_EXPIRED ? "true" : "false",
        launch_type: launchType(s),
        sandbox_template: templateOf(s),
        owned_by: controllerOf(s.metadata)?.kind ?? "none",
        created_by: s.metadata.labels?.[LABEL_CREATED_BY] ?? "unknown",
      };
      const key = labelKey(labels);
      const entry = counts.get(key) ?? { labels, value: 0 };
      entry.value += 1;
      counts.set(key, entry);
    }
    return `${[
      this.claimStartup.expose(),
      this.claimControllerStartup.expose(),
      this.sandboxCreation.expose(),
      this.claimCreation.expose(),
      gauge("agent_sandboxes", "Sandboxes by state.", [...counts.values()]),
      gauge("agent_sandbox_build_info", "Build information.", [
        { labels: { version: "0.1.0", implementation: "typescript" }, value: 1 },
      ]),
    ].join("\n")}\n`;
  }
}
