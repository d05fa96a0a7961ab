// parseDossier: the parsed dossier says what the input said, and the caller's input is left as it
// was (parsing interns the vocabulary texts in the schema's own output, never in the input).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDossier } from "./schema.ts";

const example = (): unknown =>
  JSON.parse(
    readFileSync(new URL("../../../examples/h200-alibaba-approvable.json", import.meta.url), "utf8"),
  );

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe("parseDossier", () => {
  it("keeps the vocabulary as written and leaves a frozen input untouched", () => {
    const input = deepFreeze(example()) as {
      route: unknown;
      endUse: unknown;
      parties: Record<string, { sector?: string; certifications?: { kind: string }[] }>;
    };
    const dossier = parseDossier(input, "h200-alibaba-approvable.json");
    expect(dossier.route).toEqual(input.route);
    expect(dossier.endUse).toEqual(input.endUse);
    const { parties } = input;
    for (const role of ["exporter", "consignee", "endUser"] as const) {
      expect(dossier.parties[role].sector).toBe(parties[role]?.sector);
      expect(dossier.parties[role].certifications.map((c) => c.kind)).toEqual(
        (parties[role]?.certifications ?? []).map((c) => c.kind),
      );
    }
    expect(input).toEqual(example());
  });

  it("gives every party the same fields in the same order, and JSON the parties as written", () => {
    const input = example() as { parties: Record<string, unknown> };
    const { parties } = parseDossier(input, "h200-alibaba-approvable.json");
    const fields = Object.keys(parties.exporter);
    expect(fields).toEqual([
      "id",
      "name",
      "country",
      "headquartersCountry",
      "parentHeadquartersCountry",
      "sector",
      "militaryEndUser",
      "certifications",
    ]);
    expect(Object.keys(parties.consignee)).toEqual(fields);
    expect(Object.keys(parties.endUser)).toEqual(fields);
    expect(JSON.parse(JSON.stringify(parties))).toEqual(input.parties);
  });
});
