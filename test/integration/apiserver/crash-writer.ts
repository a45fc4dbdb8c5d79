// Child process for crash.test.ts: writes to a file-backed server as fast as it can and reports each
// acknowledged resourceVersion on stdout, until it is killed.
import { startApiServer } from "../../../src/apiserver/index";

const file = process.argv[2]!;
const server = await startApiServer({ port: 0, storage: file });
const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
for (let i = 0; ; i++) {
  const name = `obj-${i % 50}`;
  const body = JSON.stringify({ metadata: { name }, data: { i: String(i), pad: "x".repeat(2048) } });
  let res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`, {
    method: "POST",
    headers,
    body,
  });
  if (res.status === 409) {
    res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps/${name}`, {
      method: "PUT",
      headers,
      body,
    });
  }
  const obj = (await res.json()) as { metadata: { resourceVersion: string } };
  process.stdout.write(`${name} ${i} ${obj.metadata.resourceVersion}\n`);
}
