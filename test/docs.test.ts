// The JSON Schemas published in docs/ are the ones the code validates with: regenerate them with
// `npx sluice schema dossier > docs/dossier.schema.json` (and `rulebook`) when a schema changes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "../src/adapters/cli/commands/schema.ts";
import { toJson } from "../src/adapters/cli/io.ts";

describe("published JSON Schemas", () => {
  for (const name of Object.keys(jsonSchemas)) {
    it(`docs/${name}.schema.json is up to date`, () => {
      const published = readFileSync(new URL(`../docs/${name}.schema.json`, import.meta.url), "utf8");
      expect(published).toBe(`${toJson(jsonSchemas[name]?.())}\n`);
    });
  }

  it("the dossier schema describes the document's top-level fields", () => {
    const schema = jsonSchemas.dossier?.() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "product",
        "quantityUnits",
        "valueCents",
        "route",
        "parties",
        "evidence",
        "ledger",
      ]),
    );
    expect(schema.required).toEqual(
      expect.arrayContaining(["id", "product", "quantityUnits", "route", "parties"]),
    );
  });
});
