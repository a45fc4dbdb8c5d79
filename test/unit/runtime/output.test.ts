import { describe, expect, test } from "bun:test";
import { captureBounded, decodeOutput } from "../../../src/runtime/output";

const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

const bytes = (s: string) => new TextEncoder().encode(s);

describe("captureBounded", () => {
  test("keeps everything under the limit", async () => {
    const out = await captureBounded(streamOf(bytes("ab"), bytes("cd")), 10, new AbortController().signal);
    expect(new TextDecoder().decode(out.bytes)).toBe("abcd");
    expect(out.truncated).toBe(false);
  });

  test("keeps exactly the limit and flags the rest", async () => {
    const out = await captureBounded(
      streamOf(bytes("abc"), bytes("def"), bytes("g")),
      4,
      new AbortController().signal,
    );
    expect(new TextDecoder().decode(out.bytes)).toBe("abcd");
    expect(out.truncated).toBe(true);
  });

  test("output of exactly the limit is not truncated", async () => {
    const out = await captureBounded(streamOf(bytes("abcd")), 4, new AbortController().signal);
    expect(out.truncated).toBe(false);
  });
});

describe("decodeOutput", () => {
  test("flags invalid UTF-8 and replaces it", () => {
    expect(decodeOutput({ bytes: new Uint8Array([0x61, 0xff, 0x62]), truncated: false })).toEqual({
      text: "a\ufffdb",
      lossy: true,
    });
  });

  test("a character cut by truncation is dropped, not reported as invalid", () => {
    const cut = bytes("aé").subarray(0, 2);
    expect(decodeOutput({ bytes: cut, truncated: true })).toEqual({ text: "a", lossy: false });
    expect(decodeOutput({ bytes: cut, truncated: false }).lossy).toBe(true);
  });
});
