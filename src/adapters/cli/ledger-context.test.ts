// The ledger commands' cap comes from the rulebooks in force on the clock's day, and a day with no
// cap rule is refused as bad input that names the day and the way out (--policy).
import { beforeAll, describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors.ts";
import { bundledReferenceData } from "../files/reference-data.ts";
import { capPolicyToday } from "./ledger-context.ts";
import { provideReferenceData } from "./reference.ts";

// The rulebooks the CLI reads come from its wiring; here, the bundled ones (as compose.ts gives them).
beforeAll(() => provideReferenceData(bundledReferenceData));

describe("capPolicyToday", () => {
  it("is the ratio-cap rule in force on the clock's day", () => {
    expect(capPolicyToday(() => new Date("2026-02-10T12:00:00Z")).ratioPercent).toBe(50);
  });

  it("refuses a day before any cap rule, naming the day and --policy", () => {
    const refusal = (() => {
      try {
        capPolicyToday(() => new Date("2026-01-10T12:00:00Z"));
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(SluiceError);
    expect((refusal as SluiceError).kind).toBe("bad_input");
    expect((refusal as SluiceError).message).toBe(
      "day `2026-01-10`: no ratio-cap rule is in force; pass --policy <file>",
    );
  });
});
