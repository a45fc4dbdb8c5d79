// parseRequestHead and FieldReader on the cases worth naming one by one (the property test covers the rest).
import { describe, expect, test } from "bun:test";
import { FieldReader, parseRequestHead, type RequestHead } from "../../../src/router/http1/requestParser";

/** A head with the lines given, and `Host: h` first unless they bring their own Host. */
const request = (lines: string[], requestLine = "GET / HTTP/1.1") => {
  const all = lines.some((l) => /^host:/i.test(l)) ? lines : ["Host: h", ...lines];
  return `${requestLine}\r\n${all.map((l) => `${l}\r\n`).join("")}\r\n`;
};

function parsed(head: string): RequestHead {
  const result = parseRequestHead(head);
  if (result === "other") throw new Error("refused");
  return result;
}

describe("parseRequestHead", () => {
  test("keeps the target byte for byte and the fields in order, repeated names repeated", () => {
    const head = parsed(
      request(["Host: h", "X-A: 1", "x-a:2", "Accept:  */*\t"], "PATCH /a/../b/./c\\d?x='y'#f HTTP/1.1"),
    );
    expect(head.method).toBe("PATCH");
    expect(head.target).toBe("/a/../b/./c\\d?x='y'#f");
    expect(head.fields).toEqual(["host", "h", "x-a", "1", "x-a", "2", "accept", "*/*"]);
    expect(head.contentLength).toBe(-1);
    expect(head.chunked).toBe(false);
    expect(head.close).toBe(false);
    expect(head.ascii).toBe(true);
  });

  test("reads framing and Connection", () => {
    expect(parsed(request(["Content-Length: 0"])).contentLength).toBe(0);
    expect(parsed(request(["Content-Length: 123456789012345"])).contentLength).toBe(123456789012345);
    expect(parsed(request(["Transfer-Encoding: Chunked"])).chunked).toBe(true);
    const close = parsed(request(["Connection: keep-alive", "connection: x-hop, Close"]));
    expect(close.close).toBe(true);
    expect(close.connection).toBe("keep-alive, x-hop, Close");
    expect(parsed(request(["Connection: closed"])).close).toBe(false);
  });

  test("obs-text in a value is kept and marks the head as not plain ASCII", () => {
    const head = parsed(request(["X-Name: caf\xe9"]));
    expect(head.fields).toEqual(["host", "h", "x-name", "caf\xe9"]);
    expect(head.ascii).toBe(false);
  });

  test.each([
    ["asterisk-form", request([], "OPTIONS * HTTP/1.1")],
    ["absolute-form", request([], "GET http://h/ HTTP/1.1")],
    ["authority-form", request([], "CONNECT h:443 HTTP/1.1")],
    ["HTTP/1.0", request([], "GET / HTTP/1.0")],
    ["HTTP/2.0", request([], "GET / HTTP/2.0")],
    ["lowercase version", request([], "GET / http/1.1")],
    ["two spaces in the request line", request([], "GET  / HTTP/1.1")],
    ["trailing space in the request line", request([], "GET / HTTP/1.1 ")],
    ["raw non-ASCII in the target", request([], "GET /caf\xe9 HTTP/1.1")],
    ["a signed Content-Length", request(["Content-Length: +5"])],
    ["a Content-Length list", request(["Content-Length: 5, 5"])],
    ["a 16-digit Content-Length", request(["Content-Length: 1234567890123456"])],
    ["an empty Content-Length", request(["Content-Length:"])],
    ["a coding before chunked", request(["Transfer-Encoding: gzip, chunked"])],
    ["chunked twice", request(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"])],
    ["an empty field name", request([": v"])],
    ["a line without a colon", request(["no colon here"])],
    ["a DEL in a value", request(["X: a\x7fb"])],
    ["an Upgrade field in any case", request(["UPGRADE: h2c"])],
    ["no Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"],
    ["two Hosts", request(["Host: a", "host: b"])],
  ])("%s is left to Bun's server", (_name, head) => {
    expect(parseRequestHead(head)).toBe("other");
  });
});

describe("FieldReader", () => {
  const reader = new FieldReader(["x-sandbox-id", "a", "accept", "*/*", "x-sandbox-id", "b"]);

  test("joins repeated names as Headers would", () => {
    expect(reader.get("x-sandbox-id")).toBe("a, b");
    expect(reader.get("accept")).toBe("*/*");
    expect(reader.get("missing")).toBeNull();
  });

  test("has", () => {
    expect(reader.has("accept")).toBe(true);
    expect(reader.has("x-missing")).toBe(false);
  });
});
