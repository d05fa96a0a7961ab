// toJsonText: the plain JSON.stringify for values without bigints, bigints as decimal strings at
// any depth otherwise (the same text a bigint replacer writes), and real errors still thrown.
import { describe, expect, it } from "vitest";
import { toJsonText } from "../../src/adapters/http/json.ts";

const withReplacer = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

describe("toJsonText", () => {
  it("writes values without bigints as JSON.stringify does", () => {
    const value = { a: [1, "two", null, { b: true }], at: new Date("2026-01-14T00:00:00Z") };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
  });

  it("writes bigints at any depth as decimal strings", () => {
    const value = { cents: 12_345_678_901_234_567_890n, rows: [{ units: 5n }, { units: -1n }] };
    expect(toJsonText(value)).toBe('{"cents":"12345678901234567890","rows":[{"units":"5"},{"units":"-1"}]}');
    expect(toJsonText(value)).toBe(withReplacer(value));
    expect(toJsonText(7n)).toBe('"7"');
  });

  it("still throws on a value JSON cannot hold", () => {
    const cyclic: Record<string, unknown> = { units: 1n };
    cyclic.self = cyclic;
    expect(() => toJsonText(cyclic)).toThrow(TypeError);
  });
});
