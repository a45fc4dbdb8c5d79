// Runs a command to its end and collects its exit code and output, for tests that drive CLIs (kubectl,
// helm, python3, our own scripts) as child processes.

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string | undefined;
  readonly env?: Record<string, string | undefined> | undefined;
  /** Written to the child's stdin, which is then closed; without it stdin is not connected. */
  readonly stdin?: string | undefined;
}

/**
 * Asynchronous on purpose: many tests host the server the command talks to (an embedded API server, local
 * mode) in this very process, so a blocking spawn would deadlock them.
 */
export const runProcess = async (
  command: ReadonlyArray<string>,
  options: RunOptions = {},
): Promise<ProcessResult> => {
  const proc = Bun.spawn([...command], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
};

/** `runProcess` for commands that must succeed: its stdout, or an error carrying the command's output. */
export const runProcessOk = async (
  command: ReadonlyArray<string>,
  options: RunOptions = {},
): Promise<string> => {
  const result = await runProcess(command, options);
  if (result.code !== 0)
    throw new Error(`${command.join(" ")} failed (exit ${result.code}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
};

/**
 * The first line a child prints on stdout (a server announcing where it listens), or undefined if the stream
 * ends first. The rest of the stream is left unread.
 */
export const firstLine = async (stdout: ReadableStream<Uint8Array>): Promise<string | undefined> => {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      text += decoder.decode(value, { stream: true });
    }
    return text.slice(0, text.indexOf("\n"));
  } finally {
    reader.releaseLock();
  }
};
