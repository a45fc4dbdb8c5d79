// HTTP calls to a sandbox's runtime, either through the router (addressed by the X-Sandbox-* headers, as the
// SDKs do) or straight at a runtime.

/** The legacy `/execute` answer. */
export interface ExecuteResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit_code: number;
}

export interface RequestOptions extends Omit<RequestInit, "headers"> {
  readonly headers?: Record<string, string>;
}

export interface SandboxCalls {
  /** Any request to `path` (no leading slash) on the runtime. */
  request(path: string, init?: RequestOptions): Promise<Response>;
  /** `POST /execute`: the raw answer, for tests that look at error statuses. */
  execute(command: string): Promise<Response>;
  /** The `/execute` result when the answer is 200, otherwise undefined (so it can be polled). */
  result(command: string): Promise<ExecuteResult | undefined>;
}

const callsAt = (baseUrl: string, routing: Record<string, string>): SandboxCalls => {
  const request = (path: string, init: RequestOptions = {}) =>
    fetch(`${baseUrl}/${path}`, { ...init, headers: { ...routing, ...init.headers } });
  const execute = (command: string) =>
    request("execute", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ command }),
    });
  const result = async (command: string) => {
    const res = await execute(command);
    return res.status === 200 ? ((await res.json()) as ExecuteResult) : undefined;
  };
  return { request, execute, result };
};

/** A sandbox reached through the router at `routerUrl`. */
export const viaRouter = (routerUrl: string, sandbox: string, namespace = "default"): SandboxCalls =>
  callsAt(routerUrl, { "X-Sandbox-ID": sandbox, "X-Sandbox-Namespace": namespace });

/** A runtime reached directly at `runtimeUrl`. */
export const directTo = (runtimeUrl: string): SandboxCalls => callsAt(runtimeUrl, {});
