// Stand-in for a sandbox runtime in the router benchmark: a fixed small response. Prints {"port": n}.
const body = "hello from sandbox\n";
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  development: false,
  fetch: () => new Response(body),
});
console.log(JSON.stringify({ port: server.port }));
