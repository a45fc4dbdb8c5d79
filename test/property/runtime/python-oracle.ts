import { setDefaultTimeout } from "bun:test";
import type { Subprocess } from "bun";

// Properties ask a python3 process hundreds of times; a loaded machine needs more than the default 5 s.
setDefaultTimeout(60_000);

/**
 * A long-lived python3 that answers one JSON request per line, so properties can compare against
 * Python's own behaviour without starting an interpreter per case. `script` defines `answer(req)`.
 */
export class PythonOracle {
  private readonly child: Subprocess<"pipe", "pipe", "inherit">;
  private readonly lines: AsyncIterator<string>;

  constructor(script: string) {
    const program = `import json, sys\n${script}\nfor line in sys.stdin:\n    print(json.dumps(answer(json.loads(line))), flush=True)\n`;
    this.child = Bun.spawn(["python3", "-c", program], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    this.lines = readLines(this.child.stdout)[Symbol.asyncIterator]();
  }

  async ask(request: unknown): Promise<unknown> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    await this.child.stdin.flush();
    const next = await this.lines.next();
    if (next.done) throw new Error("python oracle exited");
    return JSON.parse(next.value);
  }

  async close(): Promise<void> {
    await this.child.stdin.end();
    await this.child.exited;
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
}
