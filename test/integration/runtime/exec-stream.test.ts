import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { eventually, isAlive, postJson, startTestRuntime, type TestRuntime } from "./harness";

interface Event {
  type: string;
  data?: string;
  id?: string;
  pid?: number;
  exit_code?: number;
  signal?: string;
  timed_out?: boolean;
}

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
  await mkdir(join(rt.base, "work"));
});
afterAll(() => rt.stop());

/** Reads NDJSON events one at a time, as they arrive. */
async function* events(res: Response): AsyncGenerator<Event> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of res.body!) {
    buffered += decoder.decode(chunk, { stream: true });
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      yield JSON.parse(buffered.slice(0, nl)) as Event;
      buffered = buffered.slice(nl + 1);
    }
  }
}

const collect = async (res: Response) => {
  const all: Event[] = [];
  for await (const e of events(res)) all.push(e);
  const text = (type: string) =>
    Buffer.concat(all.filter((e) => e.type === type).map((e) => Buffer.from(e.data!, "base64"))).toString();
  return { all, stdout: text("stdout"), stderr: text("stderr"), exit: all.at(-1)! };
};

const exec = (body: unknown) => postJson(`${rt.url}/v1/exec`, body);

describe("POST /v1/exec", () => {
  test("streams start, both outputs and the exit code last", async () => {
    const res = await exec({ command: ["sh", "-c", "echo out; echo err >&2; exit 4"] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const run = await collect(res);
    expect(run.all[0]?.type).toBe("start");
    expect(run.stdout).toBe("out\n");
    expect(run.stderr).toBe("err\n");
    expect(run.exit).toEqual({ type: "exit", exit_code: 4 });
  });

  test("output arrives before the command ends", async () => {
    const res = await exec({ command: ["sh", "-c", "echo first; read line; echo $line"], stdin_open: true });
    const stream = events(res);
    const start = (await stream.next()).value as Event;
    const first = (await stream.next()).value as Event;
    expect(Buffer.from(first.data!, "base64").toString()).toBe("first\n");
    const stdin = await fetch(`${rt.url}/v1/exec/${start.id}/stdin?eof=true`, {
      method: "POST",
      body: "second\n",
    });
    expect(stdin.status).toBe(204);
    const rest: Event[] = [];
    for await (const e of stream) rest.push(e);
    expect(Buffer.from(rest[0]!.data!, "base64").toString()).toBe("second\n");
    expect(rest.at(-1)).toEqual({ type: "exit", exit_code: 0 });
  });

  test("passes stdin, env and a confined cwd", async () => {
    const res = await exec({
      command: "sh -c 'cat; echo \" $GREETING\"; pwd'",
      stdin: "piped",
      env: { GREETING: "hi" },
      cwd: "work",
    });
    expect((await collect(res)).stdout).toBe(`piped hi\n${join(rt.base, "work")}\n`);
  });

  test("a signal reaches the process group", async () => {
    const res = await exec({ command: ["sleep", "100"] });
    const stream = events(res);
    const start = (await stream.next()).value as Event;
    const sent = await postJson(`${rt.url}/v1/exec/${start.id}/signal`, { signal: "SIGTERM" });
    expect(sent.status).toBe(204);
    const rest: Event[] = [];
    for await (const e of stream) rest.push(e);
    expect(rest.at(-1)).toEqual({ type: "exit", exit_code: -15, signal: "SIGTERM" });
  });

  test("a timeout kills the group and is flagged", async () => {
    const run = await collect(
      await exec({ command: ["sh", "-c", "sleep 100 & sleep 100"], timeout_seconds: 0.5 }),
    );
    expect(run.exit).toMatchObject({ type: "exit", timed_out: true, signal: "SIGKILL" });
  });

  test("a client that disconnects kills the command's whole group", async () => {
    const abort = new AbortController();
    const res = await postJson(
      `${rt.url}/v1/exec`,
      { command: ["sh", "-c", "sleep 100 & echo $!; wait"] },
      { signal: abort.signal },
    );
    const stream = events(res);
    const start = (await stream.next()).value as Event;
    const background = Number(Buffer.from(((await stream.next()).value as Event).data!, "base64").toString());
    expect(isAlive(background)).toBe(true);
    abort.abort();
    await eventually(() => !isAlive(start.pid!) && !isAlive(background), "the group to be killed");
  });

  test("bad requests are rejected before anything runs", async () => {
    const bad = await exec({ command: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: "INVALID_ARGUMENT", message: "command is empty" });
    expect((await fetch(`${rt.url}/v1/exec`, { method: "POST", body: "not json" })).status).toBe(400);
    expect((await exec({ command: ["ls"], cwd: "../" })).status).toBe(403);
    expect((await exec({ command: ["ls"], cwd: "missing" })).status).toBe(400);
    const notFound = await exec({ command: ["no-such-binary-xyz"] });
    expect(notFound.status).toBe(400);
    expect(((await notFound.json()) as { message: string }).message).toContain("No such file or directory");
  });

  test("signals and stdin for unknown ids, bad signals and closed stdin are rejected", async () => {
    expect((await postJson(`${rt.url}/v1/exec/nope/signal`, { signal: "SIGTERM" })).status).toBe(404);
    expect((await fetch(`${rt.url}/v1/exec/nope/stdin`, { method: "POST", body: "x" })).status).toBe(404);
    const res = await exec({ command: ["sleep", "100"] });
    const stream = events(res);
    const start = (await stream.next()).value as Event;
    expect((await postJson(`${rt.url}/v1/exec/${start.id}/signal`, { signal: "SIGBOGUS" })).status).toBe(400);
    expect((await fetch(`${rt.url}/v1/exec/${start.id}/stdin`, { method: "POST", body: "x" })).status).toBe(
      409,
    );
    expect((await postJson(`${rt.url}/v1/exec/${start.id}/signal`, { signal: 9 })).status).toBe(204);
    const rest: Event[] = [];
    for await (const e of stream) rest.push(e);
    expect(rest.at(-1)).toMatchObject({ exit_code: -9, signal: "SIGKILL" });
  });
});
