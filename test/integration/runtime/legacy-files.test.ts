import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestRuntime, type TestRuntime, uploadForm } from "./harness";

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
  await writeFile(join(rt.outside, "secret.txt"), "secret");
  await symlink(rt.outside, join(rt.base, "escape"));
  await symlink("../outside/secret.txt", join(rt.base, "secret-link"));
  await mkdir(join(rt.base, "inner"));
  await writeFile(join(rt.base, "inner", "kept.txt"), "kept");
  await symlink("inner", join(rt.base, "inner-link"));
});
afterAll(() => rt.stop());

const upload = (name: string, content: string | Uint8Array) =>
  fetch(`${rt.url}/upload`, { method: "POST", body: uploadForm(name, content) });

describe("POST /upload", () => {
  test("writes a relative path, creating parents", async () => {
    const res = await upload("dir/sub/hello.txt", "hello");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "File 'dir/sub/hello.txt' uploaded successfully." });
    expect(await readFile(join(rt.base, "dir/sub/hello.txt"), "utf8")).toBe("hello");
  });

  test("a leading slash is stripped, as upstream does", async () => {
    expect((await upload("/abs/x.txt", "x")).status).toBe(200);
    expect(await readFile(join(rt.base, "abs/x.txt"), "utf8")).toBe("x");
  });

  test("paths that escape the base directory are denied and nothing is written", async () => {
    for (const name of ["../evil.txt", "dir/../../evil.txt", "escape/evil.txt", "secret-link"]) {
      const res = await upload(name, "evil");
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: "Access denied" });
    }
    expect((await readdir(rt.outside)).sort()).toEqual(["secret.txt"]);
    expect(await readFile(join(rt.outside, "secret.txt"), "utf8")).toBe("secret");
  });

  test("a missing or non-file field is a 422", async () => {
    const noField = await fetch(`${rt.url}/upload`, { method: "POST", body: new FormData() });
    expect(noField.status).toBe(422);
    expect(await noField.json()).toEqual({
      detail: [{ type: "missing", loc: ["body", "file"], msg: "Field required", input: null }],
    });
    const notMultipart = await fetch(`${rt.url}/upload`, { method: "POST", body: "raw" });
    expect(notMultipart.status).toBe(422);
    const form = new FormData();
    form.append("file", "just text");
    const stringField = await fetch(`${rt.url}/upload`, { method: "POST", body: form });
    expect(stringField.status).toBe(422);
  });

  test("a file part without a filename is a 400 that says so, and nothing is written", async () => {
    const form = new FormData();
    form.append("file", new File(["x"], ""));
    const res = await fetch(`${rt.url}/upload`, { method: "POST", body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "File upload failed: the file part has no filename" });
  });

  test("a name at the 255-byte limit is written; a longer one fails with upstream's 500 body", async () => {
    expect((await upload(`named/${"n".repeat(255)}`, "fits")).status).toBe(200);
    expect(await readFile(join(rt.base, "named", "n".repeat(255)), "utf8")).toBe("fits");
    const res = await upload(`named/${"n".repeat(256)}`, "x");
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toStartWith("File upload failed: ");
    expect(await readdir(join(rt.base, "named"))).toEqual(["n".repeat(255)]);
  });

  test("writing over a directory fails with upstream's 500 body", async () => {
    const res = await upload("inner", "x");
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toStartWith("File upload failed: ");
  });

  test("concurrent uploads to one file never leave a torn file", async () => {
    const size = 512 * 1024;
    const contents = Array.from({ length: 12 }, (_, i) => new Uint8Array(size).fill(65 + i));
    const target = join(rt.base, "race.bin");
    let writing = true;
    const reads: Uint8Array[] = [];
    const reader = (async () => {
      while (writing) {
        const data = await readFile(target).catch(() => undefined);
        if (data) reads.push(data);
        await Bun.sleep(0);
      }
    })();
    const results = await Promise.all(contents.map((c) => upload("race.bin", c)));
    writing = false;
    await reader;
    expect(results.map((r) => r.status)).toEqual(contents.map(() => 200));
    for (const data of [...reads, await readFile(target)]) {
      expect(data.length).toBe(size);
      expect(data.every((b) => b === data[0])).toBe(true);
    }
    expect((await readdir(rt.base)).filter((n) => n.includes(".tmp"))).toEqual([]);
  });
});

describe("GET /download/<path>", () => {
  test("returns the bytes, named by the decoded path", async () => {
    await upload("dl/data.bin", new Uint8Array([0, 1, 2, 255]));
    for (const path of ["dl/data.bin", "dl%2Fdata.bin", "dl%252Fdata.bin"]) {
      const res = await fetch(`${rt.url}/download/${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toBe('attachment; filename="dl/data.bin"');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
    }
  });

  test("a file reached through an inside symlink is served", async () => {
    expect(await (await fetch(`${rt.url}/download/inner-link%2Fkept.txt`)).text()).toBe("kept");
  });

  test("missing files and directories are 404", async () => {
    for (const path of ["nope.txt", "inner", "%2Fetc%2Fpasswd"]) {
      const res = await fetch(`${rt.url}/download/${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: "File not found" });
    }
  });

  test("escapes are denied however they are encoded", async () => {
    const escapes = [
      "..%2Foutside%2Fsecret.txt",
      "..%252Foutside%252Fsecret.txt",
      "%252E%252E%252Foutside%252Fsecret.txt",
      "inner%2F..%2F..%2Foutside%2Fsecret.txt",
      "escape%2Fsecret.txt",
      "secret-link",
    ];
    for (const path of escapes) {
      const res = await fetch(`${rt.url}/download/${path}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: "Access denied" });
    }
  });
});

describe("GET /list/<path>", () => {
  test("lists a directory with upstream's entry shape", async () => {
    const res = await fetch(`${rt.url}/list/inner`);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as { name: string; size: number; type: string; mod_time: number }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name: "kept.txt", size: 4, type: "file" });
    expect(entries[0]!.mod_time).toBeGreaterThan(1_600_000_000);
  });

  test("the root lists symlinked directories as directories", async () => {
    const entries = (await (await fetch(`${rt.url}/list/`)).json()) as { name: string; type: string }[];
    expect(entries.find((e) => e.name === "inner-link")?.type).toBe("directory");
  });

  test("a file or a missing path is 'not a directory'; escapes are denied", async () => {
    for (const path of ["inner%2Fkept.txt", "missing"]) {
      const res = await fetch(`${rt.url}/list/${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: "Path is not a directory" });
    }
    expect((await fetch(`${rt.url}/list/escape`)).status).toBe(403);
    expect((await fetch(`${rt.url}/list/..%2F`)).status).toBe(403);
  });
});

describe("GET /exists/<path>", () => {
  test("reports existence and echoes the decoded path", async () => {
    expect(await (await fetch(`${rt.url}/exists/inner%2Fkept.txt`)).json()).toEqual({
      path: "inner/kept.txt",
      exists: true,
    });
    expect(await (await fetch(`${rt.url}/exists/inner%252Fmissing`)).json()).toEqual({
      path: "inner/missing",
      exists: false,
    });
  });

  test("escapes are denied rather than answered", async () => {
    const res = await fetch(`${rt.url}/exists/..%2Foutside%2Fsecret.txt`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: "Access denied" });
  });
});
