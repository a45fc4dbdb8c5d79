// Deno.serve adapter: the same web-standard handler on Deno. HTTP only; WebSocket proxying is Bun's path.
import type { RouterHandler } from "./handler";

interface DenoServeInfo {
  readonly remoteAddr: { readonly hostname: string };
}
interface DenoHttpServer {
  readonly addr: { readonly hostname: string; readonly port: number };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}
interface DenoGlobal {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (req: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoHttpServer;
}

export interface DenoServeOptions {
  readonly hostname: string;
  readonly port: number;
  readonly handler: RouterHandler;
}

export function serveDeno(options: DenoServeOptions): DenoHttpServer {
  const deno = (globalThis as unknown as { Deno?: DenoGlobal }).Deno;
  if (deno === undefined) throw new Error("serveDeno needs the Deno runtime");
  const { handler } = options;
  return deno.serve({ hostname: options.hostname, port: options.port, onListen: () => {} }, (req, info) => {
    const upgrade = req.headers.get("upgrade");
    if (upgrade !== null && upgrade.toLowerCase() === "websocket") {
      return new Response(JSON.stringify({ detail: "WebSocket proxying is served by the Bun adapter." }), {
        status: 501,
        headers: { "content-type": "application/json" },
      });
    }
    return handler(req, info.remoteAddr.hostname);
  });
}
