// One request of the soak mix through the router: execute a command, upload a file, or download one uploaded
// before — each checked end to end (status and content), so a wrong answer counts as an error, not a success.
export type Operation = "execute" | "upload" | "download";

export interface Mix {
  readonly execute: number;
  readonly upload: number;
  readonly download: number;
}

/** Picks an operation with the mix's weights; `roll` is uniform in [0, 1). */
export const pickOperation = (mix: Mix, roll: number): Operation => {
  const total = mix.execute + mix.upload + mix.download;
  const at = roll * total;
  if (at < mix.execute) return "execute";
  return at < mix.execute + mix.upload ? "upload" : "download";
};

export interface Target {
  readonly routerUrl: string;
  readonly sandbox: string;
  readonly namespace: string;
  /** Files uploaded to this sandbox so far, by name, with their content. */
  readonly files: Map<string, Uint8Array>;
}

const headers = (t: Target, extra: Record<string, string> = {}) => ({
  "X-Sandbox-ID": t.sandbox,
  "X-Sandbox-Namespace": t.namespace,
  ...extra,
});

const fail = async (what: string, res: Response): Promise<never> => {
  throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
};

let counter = 0;

const execute = async (t: Target): Promise<void> => {
  const token = `soak-${++counter}`;
  const res = await fetch(`${t.routerUrl}/execute`, {
    method: "POST",
    headers: headers(t, { "Content-Type": "application/json" }),
    body: JSON.stringify({ command: `echo ${token}` }),
  });
  if (res.status !== 200) return fail("execute", res);
  const body = (await res.json()) as { stdout?: string; exit_code?: number };
  if (body.stdout !== `${token}\n` || body.exit_code !== 0) {
    throw new Error(`execute: unexpected answer ${JSON.stringify(body).slice(0, 200)}`);
  }
};

const upload = async (t: Target, bytes: number): Promise<void> => {
  const name = `soak-${++counter}.bin`;
  const content = crypto.getRandomValues(new Uint8Array(bytes));
  const form = new FormData();
  form.append("file", new Blob([content]), name);
  const res = await fetch(`${t.routerUrl}/upload`, { method: "POST", headers: headers(t), body: form });
  if (res.status !== 200) return fail("upload", res);
  await res.arrayBuffer();
  t.files.set(name, content);
};

const download = async (t: Target, bytes: number): Promise<void> => {
  const names = [...t.files.keys()];
  const name = names[Math.floor(Math.random() * names.length)];
  if (name === undefined) return upload(t, bytes);
  const res = await fetch(`${t.routerUrl}/download/${encodeURIComponent(name)}`, { headers: headers(t) });
  if (res.status !== 200) return fail("download", res);
  const got = new Uint8Array(await res.arrayBuffer());
  if (!Buffer.from(got).equals(Buffer.from(t.files.get(name) ?? new Uint8Array()))) {
    throw new Error(`download: ${name} came back different (${got.length} bytes)`);
  }
};

export const perform = (op: Operation, target: Target, uploadBytes: number): Promise<void> =>
  op === "execute"
    ? execute(target)
    : op === "upload"
      ? upload(target, uploadBytes)
      : download(target, uploadBytes);
