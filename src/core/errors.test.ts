import { describe, expect, it } from "vitest";
import { errorKinds, exitCodeByKind, httpStatusByKind, SluiceError } from "./errors.ts";

describe("error taxonomy", () => {
  it("maps every kind to an HTTP status and an exit code", () => {
    for (const kind of errorKinds) {
      expect(httpStatusByKind[kind]).toBeGreaterThanOrEqual(400);
      expect(exitCodeByKind[kind]).toBeGreaterThan(0);
    }
  });

  it("gives a locked store its own exit code and status, apart from an unreachable server", () => {
    expect(exitCodeByKind.locked).toBe(6);
    expect(exitCodeByKind.unavailable).toBe(5);
    expect(httpStatusByKind.locked).toBe(423);
    const codes = errorKinds.map((kind) => httpStatusByKind[kind]);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("renders `<what>: <why>`", () => {
    const error = new SluiceError("bad_input", "product `x`", "unknown product");
    expect(error.message).toBe("product `x`: unknown product");
    expect(error.code).toBe("bad_input");
  });
});
