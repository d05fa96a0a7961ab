// The evaluate route's body schema answers the route's (async) validator with zod's synchronous
// parse: the same data for a valid body, the same issues for a bad one.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { evaluateBodySchema } from "../../src/adapters/http/routes/evaluate.ts";

const dossier = JSON.parse(
  readFileSync(new URL("../../examples/h200-alibaba-approvable.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

describe("evaluateBodySchema", () => {
  it("gives the async validator the synchronous parse's result", async () => {
    const valid = { dossier, at: "2026-01-20" };
    const parsed = await evaluateBodySchema.safeParseAsync(valid);
    expect(parsed.success).toBe(true);
    expect(parsed).toEqual(evaluateBodySchema.safeParse(valid));
    expect(parsed.data?.scenarios).toEqual([]);

    const invalid = { dossier: { ...dossier, id: 7 }, at: "2026-13-01", extra: true };
    const refused = await evaluateBodySchema.safeParseAsync(invalid);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues).toEqual(evaluateBodySchema.safeParse(invalid).error?.issues);
    expect(refused.error?.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["dossier.id", "at", ""]),
    );
  });

  it("parses synchronously (zod's compiled object parser runs only there)", async () => {
    const syncParse = vi.spyOn(evaluateBodySchema, "safeParse");
    await evaluateBodySchema.safeParseAsync({ dossier });
    expect(syncParse).toHaveBeenCalledTimes(1);
    syncParse.mockRestore();
  });
});
