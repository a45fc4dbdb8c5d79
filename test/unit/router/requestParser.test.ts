// parseRequestHead and its field lookup on the cases worth naming one by one (the property test covers the rest).
import { describe, expect, test } from "bun:test";
import { parseRequestHead } from "../../../src/router/http1/requestParser";
import { fieldsOf, parse, parsed } from "../../support/requestHeads";

/** A head with the lines given, and `Host: h` first unless they bring their own Host. */
const request = (lines: string[], requestLine = "GET / HTTP/1.1") => {
  const all = lines.some((l) => /^host:/i.test(l)) ? lines : ["Host: h", ...lines];
  return `${requestLine}\r\n${all.map((l) => `${l}\r\n`).join("")}\r\n`;
};

describe("parseRequestHead", () => {
  test("keeps the target byte for byte and the fields in order, repeated names repeated", () => {
    const head = parsed(
      request(["Host: h", "X-A: 1", "x-a:2", "Accept:  */*\t"], "PATCH /a/../b/./c\\d?x='y'#f HTTP/1.1"),
    );
    expect(head.method).toBe("PATCH");
    expect(head.target).toBe("/a/../b/./c\\d?x='y'#f");
    expect(fieldsOf(head)).toEqual(["host", "h", "x-a", "1", "x-a", "2", "accept", "*/*"]);
    expect(head.contentLength).toBe(-1);
    expect(head.chunked).toBe(false);
    expect(head.close).toBe(false);
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

  test("obs-text in a value is kept", () => {
    const head = parsed(request(["X-Name: caf\xe9"]));
    expect(fieldsOf(head)).toEqual(["host", "h", "x-name", "caf\xe9"]);
    expect(head.get("x-name")).toBe("caf\xe9");
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
    expect(parse(head)).toBe("other");
  });
});

test("a connection's span array serves head after head: a shorter head after a longer one has only its own fields", () => {
  const spans: number[] = [];
  const parseWith = (text: string) => {
    const bytes = Buffer.from(text, "latin1");
    const head = parseRequestHead(bytes, bytes.length, spans);
    if (head === "other") throw new Error("refused");
    return head;
  };
  const long = parseWith(request(["X-A: 1", "X-B: 2", "X-Sandbox-ID: long"]));
  expect(fieldsOf(long)).toEqual(["host", "h", "x-a", "1", "x-b", "2", "x-sandbox-id", "long"]);
  const short = parseWith(request(["X-Sandbox-ID: short"]));
  expect(fieldsOf(short)).toEqual(["host", "h", "x-sandbox-id", "short"]);
  expect(short.get("x-b")).toBeNull();
  expect(short.get("x-sandbox-id")).toBe("short");
});

describe("field lookup", () => {
  const head = parsed(
    request(["X-Sandbox-ID: a", "Accept: */*", "x-sandbox-id: b", "X_Under: u", "x_under: v"]),
  );

  test("joins repeated names as Headers would, in any case, for the parser's names and any other", () => {
    expect(head.get("x-sandbox-id")).toBe("a, b");
    expect(head.get("accept")).toBe("*/*");
    expect(head.get("x_under")).toBe("u, v");
    expect(head.get("missing")).toBeNull();
  });

  test("has", () => {
    expect(head.has("accept")).toBe(true);
    expect(head.has("x-sandbox-id")).toBe(true);
    expect(head.has("x-missing")).toBe(false);
    expect(head.has("authorization")).toBe(false);
  });
});
