// parseDossier: the parsed dossier says what the input said, and the caller's input is left as it
// was (parsing interns the vocabulary texts in the schema's own output, never in the input).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../digest.ts";
import { dossierDigest, dossierJsonText, parseDossier } from "./schema.ts";

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

describe("dossierDigest", () => {
  const byReplacer = (dossier: unknown) =>
    JSON.stringify(dossier, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  const base = JSON.parse(
    readFileSync(new URL("../../../examples/h200-alibaba-approvable.json", import.meta.url), "utf8"),
  ) as Record<string, unknown> & { evidence: Record<string, unknown> };
  const money = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), fc.nat());
  const figures = fc.record({ usPosted: money, cnPending: money, cnPosted: money });
  const withMoney = fc.record(
    {
      valueCents: money,
      payment: fc.record(
        { invoicedCents: money, paidCents: money, collateralCents: money },
        { requiredKeys: ["invoicedCents", "paidCents"] },
      ),
      dutyEntry: fc.record({ enteredValueCents: money, dutyPaidCents: money }),
      revenueShare: fc.record({ paidCents: money }),
      ledger: fc.record(
        { window: fc.constant("2026-Q1"), units: figures, tpp: figures },
        { requiredKeys: ["window"] },
      ),
    },
    { requiredKeys: ["valueCents"] },
  );

  it("hashes the text the replacer writes, every cents field present or not (no replacer on the way)", () => {
    fc.assert(
      fc.property(withMoney, ({ valueCents, payment, dutyEntry, revenueShare, ledger }) => {
        const evidence = { ...base.evidence };
        for (const [key, value] of Object.entries({ payment, revenueShare })) {
          if (value === undefined) delete evidence[key];
          else evidence[key] = value;
        }
        if (dutyEntry) evidence.dutyEntry = { ...(evidence.dutyEntry as object), ...dutyEntry };
        else delete evidence.dutyEntry;
        const input = { ...base, valueCents, evidence, ...(ledger ? { ledger } : {}) };
        if (!ledger) delete input.ledger;
        const dossier = parseDossier(input, "generated");
        expect(dossierJsonText(dossier)).toBe(byReplacer(dossier));
        expect(dossierDigest(dossier)).toBe(sha256Hex(byReplacer(dossier)));
      }),
      { numRuns: 300 },
    );
  });

  it("falls back to the replacer for a bigint where it does not look, with the same text", () => {
    const dossier = parseDossier(base, "x");
    const odd = { ...dossier, endUse: { ...dossier.endUse, description: 5n } } as unknown as typeof dossier;
    expect(dossierJsonText(odd)).toBe(byReplacer(odd));
    expect(dossierJsonText(odd)).toContain('"description":"5"');
  });
});
