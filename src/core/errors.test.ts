import { describe, expect, it } from "vitest";
import { errorKinds, exitCodeByKind, httpStatusByKind, SluiceError } from "./errors.ts";

describe("error taxonomy", () => {
  it("maps every kind to an HTTP status and an exit code", () => {
    for (const kind of errorKinds) {
      expect(httpStatusByKind[kind]).toBeGreaterThanOrEqual(400);
      expect(exitCodeByKind[kind]).toBeGreaterThan(0);
    }
  });

  it("renders `<what>: <why>`", () => {
    const error = new SluiceError("bad_input", "product `x`", "unknown product");
    expect(error.message).toBe("product `x`: unknown product");
    expect(error.code).toBe("bad_input");
  });
});
