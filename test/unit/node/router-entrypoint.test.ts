// The router image's local entrypoint narrows wildcard binds to the pod IP and leaves the rest alone.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { narrowBinds } from "../../../src/node/router-entrypoint";

const IP = "127.1.0.7";

test("the chart's arguments bind on the pod IP", () => {
  expect(
    narrowBinds(["--http-bind-address=:8080", "--metrics-bind-address=:9090", "--authz-mode=none"], IP),
  ).toEqual([
    "--http-bind-address=127.1.0.7:8080",
    "--metrics-bind-address=127.1.0.7:9090",
    "--authz-mode=none",
  ]);
});

test("absent binds get the router's default ports on the pod IP; separate values and wildcards are narrowed", () => {
  expect(narrowBinds([], IP)).toEqual([
    "--http-bind-address=127.1.0.7:8080",
    "--metrics-bind-address=127.1.0.7:9090",
  ]);
  expect(narrowBinds(["--http-bind-address", "0.0.0.0:81", "--metrics-bind-address", "[::]:91"], IP)).toEqual(
    ["--http-bind-address", "127.1.0.7:81", "--metrics-bind-address", "127.1.0.7:91"],
  );
});

test("explicit addresses and a disabled metrics listener are kept", () => {
  expect(narrowBinds(["--http-bind-address=127.0.0.5:8080", "--metrics-bind-address=0"], IP)).toEqual([
    "--http-bind-address=127.0.0.5:8080",
    "--metrics-bind-address=0",
  ]);
});

test("other arguments pass through in order, and each bind flag appears once", () => {
  const other = fc
    .stringMatching(/^--[a-z-]{1,12}=[a-z0-9]{0,6}$/)
    .filter((a) => !a.includes("bind-address"));
  fc.assert(
    fc.property(fc.array(other, { maxLength: 6 }), (args) => {
      const out = narrowBinds(args, IP);
      expect(out.slice(0, args.length)).toEqual(args);
      expect(out.filter((a) => a.startsWith("--http-bind-address")).length).toBe(1);
      expect(out.filter((a) => a.startsWith("--metrics-bind-address")).length).toBe(1);
    }),
  );
});
