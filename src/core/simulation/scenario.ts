// The scenario a simulation runs: a horizon by month, buyers and their demand, US end-use sales
// (the cap's base), NVIDIA's inventory and supply, price, China's gate (approvals per buyer, a
// customs block), lab capacity, prepayment, and the rulebooks to compare (by library id or by file).
// Every figure names its source: a key of `sources`, each a citation with a REGIME.md status.
// Validated with zod; an error names the field and says why. Pure: files are read by the caller.
import { parseDocument } from "yaml";
import { z } from "zod";
import { certificationKinds, purposes, sectors } from "../dossier/schema.ts";
import { badInput, quote } from "../errors.ts";
import { isoDateSchema } from "../shared.ts";
import { reportIssues } from "../validation.ts";

/** Months in a horizon at most (ten years). */
export const horizonMonthsMax = 120;
/** Buyers at most, named and generated together. */
export const buyersMax = 1000;
/** Rulebook sets compared in one run at most. */
export const rulebookSetsMax = 16;
/** Units in any one figure at most (a billion chips: far above any reported demand). */
export const figureUnitsMax = 1_000_000_000;
/** Months a lab test may take at most, from the month a lot is tested to the month it may ship. */
export const labLeadMonthsMax = 12;
/** The largest lot to one buyer in one month when a scenario does not say. */
export const lotUnitsMaxDefault = 100_000;
/** Cents in a price at most ($10 m a chip). */
export const priceCentsMax = 1_000_000_000;

const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month written YYYY-MM")
  .meta({ format: "month" });
const units = z.number().int().nonnegative().max(figureUnitsMax);
const source = z.string().min(1).describe("a key of `sources`");
const probability = z.number().min(0).max(1);

const citationSchema = z.strictObject({
  source: z.string().min(1),
  url: z.url().optional(),
  status: z.enum(["P", "S", "U", "D"]),
});

const demandSchema = z.strictObject({ units: units.min(1), orderedIn: monthSchema, source });
const approvalSchema = z.strictObject({
  units: units.min(1),
  from: isoDateSchema,
  to: isoDateSchema,
  source,
});

const buyerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected lower-case letters, digits and `-`"),
  name: z.string().min(1).max(200),
  sector: z.enum(sectors),
  purpose: z.enum(purposes),
  demand: demandSchema,
  /** China's import approval for this buyer; none means its lots wait for one. */
  approval: approvalSchema.optional(),
});

const generatedBuyersSchema = z.strictObject({
  count: z.number().int().min(1).max(buyersMax),
  /** Where the number of buyers comes from (their demand and approvals cite their own). */
  source: source.optional(),
  sector: z.enum(sectors),
  purpose: z.enum(purposes),
  /** Total demand, split among the generated buyers by seeded random weights. */
  demand: demandSchema,
  /** Each generated buyer is approved with this probability, for its whole demand. */
  approval: z.strictObject({ probability, from: isoDateSchema, to: isoDateSchema, source }),
});

const customsBlockSchema = z.union([
  z.strictObject({ from: isoDateSchema, to: isoDateSchema, source }),
  z.strictObject({ probabilityPerMonth: probability, source }),
]);

const rulebookSetSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "expected lower-case letters, digits and `-`"),
    title: z.string().min(1).max(200),
    /** Scenario books of the library to apply, by id. */
    scenarios: z.array(z.string().min(1)).max(16).default([]),
    /** Rulebook files (YAML/JSON), relative to the scenario file, added to the library and applied. */
    files: z.array(z.string().min(1)).max(16).default([]),
    /**
     * How the exporter ships under this set: with the chip's location verification on (signed
     * latency, docs/custody.md), as a location-verification requirement makes it do, or without.
     */
    locationVerification: z.enum(["none", "signed-latency"]).default("none"),
  })
  .describe("a set of rulebooks to compare: the library's books in force plus these");

export const scenarioSchema = z
  .strictObject({
    id: z.string().min(1).max(100),
    title: z.string().min(1).max(200),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    horizon: z.strictObject({ from: monthSchema, to: monthSchema }),
    /** The day of each month on which US sales are posted and China's lots are released. */
    dayOfMonth: z.number().int().min(1).max(28).default(15),
    sources: z.record(z.string().min(1), citationSchema),
    product: z.strictObject({ id: z.string().min(1) }),
    price: z.strictObject({ centsPerUnit: z.number().int().min(1).max(priceCentsMax), source }),
    usSales: z.strictObject({ unitsPerMonth: units, source }),
    inventory: z.strictObject({ units, source }),
    supply: z.strictObject({ unitsPerMonth: units, from: monthSchema, source }),
    buyers: z.array(buyerSchema).max(buyersMax).default([]),
    generatedBuyers: generatedBuyersSchema.optional(),
    chinaGate: z.strictObject({ customsBlock: customsBlockSchema.optional() }).default({}),
    labs: z.strictObject({
      count: z.number().int().min(0).max(1000),
      unitsPerMonthPerLab: units,
      /** A lot tested in month m may ship in month m + leadMonths (0: tested and shipped in one month). */
      leadMonths: z
        .number()
        .int()
        .min(0, "a lead time cannot be negative")
        .max(labLeadMonthsMax, `a lab's lead time is at most ${labLeadMonthsMax} months`)
        .default(0),
      source,
    }),
    prepayment: z.strictObject({ percent: z.number().int().min(0).max(100), source }),
    domesticSupply: z.strictObject({ unitsPerMonth: units, source }),
    /** Largest lot the exporter releases to one buyer in one month: units, or units with their source. */
    lotUnitsMax: z
      .union([units.min(1), z.strictObject({ units: units.min(1), source })])
      .default(lotUnitsMaxDefault),
    exporterCertifications: z.array(z.enum(certificationKinds)).default([]),
    rulebooks: z.array(rulebookSetSchema).min(1).max(rulebookSetsMax),
  })
  .superRefine((scenario, context) => checkScenario(scenario, context));

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioBuyer = z.output<typeof buyerSchema>;
export type RulebookSet = z.output<typeof rulebookSetSchema>;

/** The largest lot the exporter releases to one buyer in one month, in units. */
export const lotUnitsMaxOf = (scenario: Scenario): number =>
  typeof scenario.lotUnitsMax === "number" ? scenario.lotUnitsMax : scenario.lotUnitsMax.units;

/** The months of a horizon, in order: `2026-01` … `2027-12`. */
export function monthsOf(horizon: { from: string; to: string }): string[] {
  const months: string[] = [];
  let year = Number(horizon.from.slice(0, 4));
  let month = Number(horizon.from.slice(5, 7));
  for (let k = 0; k <= horizonMonthsMax; k++) {
    const text = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
    if (text > horizon.to) break;
    months.push(text);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}

/** Every `source` field, with its path, for the check that each names a key of `sources`. */
function sourceRefs(
  value: unknown,
  path: (string | number)[],
  out: { path: (string | number)[]; key: string }[],
) {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) sourceRefs(item, [...path, index], out);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "source" && typeof item === "string" && path[0] !== "sources")
        out.push({ path: [...path, key], key: item });
      else sourceRefs(item, [...path, key], out);
    }
  }
  return out;
}

function checkScenario(scenario: z.output<z.ZodObject>, context: z.core.$RefinementCtx): void {
  const s = scenario as unknown as Scenario;
  const issue = (path: (string | number)[], message: string) =>
    context.addIssue({ code: "custom", path, message });
  if (s.horizon.to < s.horizon.from) issue(["horizon", "to"], "is before `horizon.from`");
  else if (monthsOf(s.horizon).length > horizonMonthsMax)
    issue(["horizon", "to"], `the horizon is longer than ${horizonMonthsMax} months`);
  for (const ref of sourceRefs(s, [], []))
    if (!(ref.key in s.sources))
      issue(ref.path, `names ${quote(ref.key)}, which is not a key of \`sources\``);
  const buyerIds = new Set<string>();
  s.buyers.forEach((buyer, index) => {
    if (buyerIds.has(buyer.id)) issue(["buyers", index, "id"], `duplicate buyer id ${quote(buyer.id)}`);
    buyerIds.add(buyer.id);
    if (buyer.approval && buyer.approval.to < buyer.approval.from)
      issue(["buyers", index, "approval", "to"], "is before `from`");
  });
  const months = monthsOf(s.horizon).length;
  if (s.horizon.to >= s.horizon.from && s.labs.leadMonths >= months)
    issue(
      ["labs", "leadMonths"],
      `${s.labs.leadMonths} months is not shorter than the horizon (${months} months): no tested lot would ship`,
    );
  if (s.buyers.length + (s.generatedBuyers?.count ?? 0) > buyersMax)
    issue(["generatedBuyers", "count"], `more than ${buyersMax} buyers in all`);
  if (s.buyers.length === 0 && !s.generatedBuyers) issue(["buyers"], "no buyers: name some or generate them");
  const setIds = new Set<string>();
  s.rulebooks.forEach((set, index) => {
    if (setIds.has(set.id)) issue(["rulebooks", index, "id"], `duplicate rulebook set id ${quote(set.id)}`);
    setIds.add(set.id);
  });
}

/** Validates a scenario object; the error names the source, the field and why. */
export function parseScenario(input: unknown, where: string): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const report = reportIssues(result.error.issues);
  throw badInput(`scenario ${quote(where)} at ${quote(report.where)}`, report.why);
}

/** Parses scenario YAML (or JSON) text; a syntax error names the line. */
export function parseScenarioText(text: string, where: string): Scenario {
  const document = parseDocument(text, { prettyErrors: false });
  const error = document.errors[0];
  if (error) throw badInput(`scenario ${quote(where)}`, error.message.split("\n")[0] ?? "not valid YAML");
  return parseScenario(document.toJS(), where);
}
