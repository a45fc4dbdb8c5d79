import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestRuntime, type TestRuntime, uploadForm } from "./harness";

let rt: TestRuntime;
let files: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  files = `${rt.url}/v1/files`;
  await writeFile(join(rt.outside, "secret.txt"), "secret");
  await symlink(rt.outside, join(rt.base, "escape"));
});
afterAll(() => rt.stop());

const put = (path: string, body: string | FormData, query = "") =>
  fetch(`${files}/${path}${query}`, { method: "PUT", body });
const del = (path: string, query = "") => fetch(`${files}/${path}${query}`, { method: "DELETE" });

describe("PUT /v1/files/<path>", () => {
  test("writes raw bytes atomically with parents and an explicit mode", async () => {
    const res = await put("a%2Fb%2Fc.txt", "hello", "?mode=0600");
    expect(res.status).toBe(204);
    expect(await readFile(join(rt.base, "a/b/c.txt"), "utf8")).toBe("hello");
    expect((await stat(join(rt.base, "a/b/c.txt"))).mode & 0o777).toBe(0o600);
  });

  test("an overwrite keeps the file's mode unless one is given", async () => {
    expect((await put("a/b/c.txt", "again")).status).toBe(204);
    expect((await stat(join(rt.base, "a/b/c.txt"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(rt.base, "a/b/c.txt"), "utf8")).toBe("again");
  });

  test("accepts a multipart 'file' part", async () => {
    expect((await put("multi.txt", uploadForm("ignored-name", "from form"))).status).toBe(204);
    expect(await readFile(join(rt.base, "multi.txt"), "utf8")).toBe("from form");
  });

  test("an empty body writes an empty file", async () => {
    expect((await fetch(`${files}/empty.txt`, { method: "PUT" })).status).toBe(204);
    expect((await stat(join(rt.base, "empty.txt"))).size).toBe(0);
  });

  test("bad input is rejected with sandboxd's error shape", async () => {
    const badMode = await put("x.txt", "x", "?mode=rwx");
    expect(badMode.status).toBe(400);
    expect(await badMode.json()).toMatchObject({ code: "INVALID_ARGUMENT", path: "x.txt" });
    const root = await put("", "x");
    expect(root.status).toBe(400);
    const overDir = await put("a", "x");
    expect(overDir.status).toBe(409);
    expect(await overDir.json()).toMatchObject({ code: "CONFLICT" });
    const underFile = await put("a/b/c.txt/d", "x");
    expect(underFile.status).toBe(409);
    const noPart = await put("y.txt", new FormData());
    expect(noPart.status).toBe(400);
  });

  test("escapes are PERMISSION_DENIED", async () => {
    for (const path of ["..%2Fevil", "escape%2Fevil", "a%2F..%2F..%2Fevil"]) {
      const res = await put(path, "evil");
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe("PERMISSION_DENIED");
    }
  });
});

describe("GET and HEAD /v1/files/<path>", () => {
  test("a file returns its bytes", async () => {
    const res = await fetch(`${files}/a%2Fb%2Fc.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(await res.text()).toBe("again");
  });

  test("a directory returns sandboxd's listing", async () => {
    await mkdir(join(rt.base, "listme/sub"), { recursive: true });
    await writeFile(join(rt.base, "listme/f.txt"), "12345");
    await symlink("f.txt", join(rt.base, "listme/link"));
    const listing = (await (await fetch(`${files}/listme`)).json()) as {
      path: string;
      entries: { name: string; size: number; type: string; modified_at: string; mode: string }[];
    };
    expect(listing.path).toBe("listme");
    const byName = Object.fromEntries(listing.entries.map((e) => [e.name, e]));
    expect(byName["f.txt"]).toMatchObject({ size: 5, type: "file", mode: "0644" });
    expect(byName.sub?.type).toBe("directory");
    expect(byName.link?.type).toBe("symlink");
    expect(Number.isNaN(Date.parse(byName["f.txt"]!.modified_at))).toBe(false);
  });

  test("HEAD answers existence without a body", async () => {
    const found = await fetch(`${files}/a/b/c.txt`, { method: "HEAD" });
    expect(found.status).toBe(200);
    expect(found.headers.get("content-length")).toBe("5");
    expect((await fetch(`${files}/nope`, { method: "HEAD" })).status).toBe(404);
    expect((await fetch(`${files}/..%2Foutside`, { method: "HEAD" })).status).toBe(403);
  });

  test("missing paths are NOT_FOUND and escapes PERMISSION_DENIED", async () => {
    const missing = await fetch(`${files}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      code: "NOT_FOUND",
      path: "nope",
      message: "no such file or directory",
    });
    expect((await fetch(`${files}/escape%2Fsecret.txt`)).status).toBe(403);
  });
});

describe("DELETE /v1/files/<path>", () => {
  test("removes a file", async () => {
    await writeFile(join(rt.base, "gone.txt"), "x");
    expect((await del("gone.txt")).status).toBe(204);
    expect(await stat(join(rt.base, "gone.txt")).catch(() => "absent")).toBe("absent");
    expect((await del("gone.txt")).status).toBe(404);
  });

  test("a non-empty directory needs recursive=true", async () => {
    await mkdir(join(rt.base, "tree/deep"), { recursive: true });
    await writeFile(join(rt.base, "tree/deep/f"), "x");
    const refused = await del("tree");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe("CONFLICT");
    expect((await del("tree", "?recursive=true")).status).toBe(204);
    await mkdir(join(rt.base, "emptydir"));
    expect((await del("emptydir")).status).toBe(204);
  });

  test("removes a symlink, not what it points to", async () => {
    expect((await del("escape")).status).toBe(204);
    expect(await readFile(join(rt.outside, "secret.txt"), "utf8")).toBe("secret");
    expect(await lstat(join(rt.base, "escape")).catch(() => "absent")).toBe("absent");
  });

  test("the root and escapes cannot be deleted", async () => {
    expect((await del("")).status).toBe(400);
    expect((await del("a/..")).status).toBe(400);
    expect((await del("..%2Foutside%2Fsecret.txt")).status).toBe(403);
    expect((await del("tree2", "?recursive=maybe")).status).toBe(400);
    expect(await readFile(join(rt.outside, "secret.txt"), "utf8")).toBe("secret");
  });
});

describe("paths the filesystem cannot hold", () => {
  const longest = "n".repeat(255);
  const tooLong = "n".repeat(256);

  test("a name at the 255-byte limit is written and read back", async () => {
    expect((await put(`long%2F${longest}`, "fits")).status).toBe(204);
    expect(await (await fetch(`${files}/long/${longest}`)).text()).toBe("fits");
    expect((await del(`long/${longest}`)).status).toBe(204);
  });

  test("a longer name is INVALID_ARGUMENT for every method, and nothing is written", async () => {
    for (const method of ["PUT", "GET", "DELETE"]) {
      const res = await fetch(`${files}/long/${tooLong}`, {
        method,
        ...(method === "PUT" ? { body: "x" } : {}),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        code: "INVALID_ARGUMENT",
        path: `long/${tooLong}`,
        message: "a path component is 256 bytes long; the limit is 255",
      });
    }
    expect((await fetch(`${files}/${tooLong}`, { method: "HEAD" })).status).toBe(400);
    expect(await readdir(join(rt.base, "long"))).toEqual([]);
  });

  test("a path longer than the filesystem allows is INVALID_ARGUMENT", async () => {
    const deep = Array.from({ length: 20 }, () => "d".repeat(250)).join("/");
    for (const method of ["PUT", "GET", "DELETE"]) {
      const res = await fetch(`${files}/${deep}`, { method, ...(method === "PUT" ? { body: "x" } : {}) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "the path is too long for the filesystem",
      });
    }
  });

  test("a file used as a directory: PUT is a CONFLICT, GET and DELETE NOT_FOUND", async () => {
    await writeFile(join(rt.base, "plain.txt"), "plain");
    expect((await put("plain.txt/child", "x")).status).toBe(409);
    expect((await fetch(`${files}/plain.txt/child`)).status).toBe(404);
    expect((await del("plain.txt/child")).status).toBe(404);
    expect(await readFile(join(rt.base, "plain.txt"), "utf8")).toBe("plain");
  });

  test("a FIFO is not read (that would wait for a writer): INVALID_ARGUMENT", async () => {
    expect(Bun.spawnSync(["mkfifo", join(rt.base, "pipe")]).exitCode).toBe(0);
    const res = await fetch(`${files}/pipe`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "INVALID_ARGUMENT",
      path: "pipe",
      message: "not a regular file or a directory",
    });
  });
});

describe("GET /v1/health", () => {
  test("reports ok with the uptime", async () => {
    const body = (await (await fetch(`${rt.url}/v1/health`)).json()) as {
      status: string;
      uptime_seconds: number;
    };
    expect(body.status).toBe("ok");
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
  });
});
