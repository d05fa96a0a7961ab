// Chip classification: datasheet figures in, TPP, PD, ECCN 3A090, BIS box, §232 band and the
// SAFE Chips Act test out, each with one sentence saying why (REGIME.md §1, §2, §5, §6).
// Assumes a valid ChipSpec (see spec.ts): dense figures only, positive and finite. Pure.
import * as t from "./thresholds.ts";
import {
  bitLengthByPrecision,
  type ChipSpec,
  type Classification,
  type Eccn,
  type Precision,
  precisions,
  type Section232Band,
} from "./types.ts";

const figureScale = 10 ** t.figureDecimalsMax;

/**
 * Rounds a derived figure to 1e-6 so that decimal datasheet inputs compare as written:
 * 2614.9 × 8 is 20919.199999999997 in binary floating point and must read 20919.2.
 * No regulatory threshold has more than two decimals, so this cannot move a real result.
 */
export function roundFigure(value: number): number {
  return Math.round(value * figureScale) / figureScale;
}

/** Formats a figure for reasons: thousands separators, up to 6 decimals, no float noise. */
const figureFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: t.figureDecimalsMax });
export function formatFigure(value: number): string {
  return figureFormat.format(value);
}

export interface TppResult {
  tpp: number;
  tppPrecision: Precision | null;
  tppByPrecision: Partial<Record<Precision, number>>;
}

/**
 * The precisions by bit length, ties in the order of `precisions` (a stable sort), computed once:
 * the lab certificate rule computes the measured TPP on every decision.
 */
const precisionsByBitLength: readonly Precision[] = [...precisions].sort(
  (a, b) => bitLengthByPrecision[a] - bitLengthByPrecision[b],
);

/**
 * TPP = max over the given precisions of dense TOPS × bit length (REGIME §6; "maximum over
 * precisions" is [U], sparsity is never counted). Each product is rounded before comparing, so
 * equal products tie exactly. Ties go to the lowest bit length (the figure most likely to be the
 * datasheet's headline number), then to the order of `precisions` (fp8 before int8).
 */
export function computeTpp(denseTops: ChipSpec["denseTops"]): TppResult {
  const tppByPrecision: Partial<Record<Precision, number>> = {};
  let tpp = 0;
  let tppPrecision: Precision | null = null;
  for (const precision of precisionsByBitLength) {
    const tops = denseTops[precision];
    if (tops === undefined) continue;
    const product = roundFigure(tops * bitLengthByPrecision[precision]);
    tppByPrecision[precision] = product;
    if (tppPrecision === null || product > tpp) {
      tpp = product;
      tppPrecision = precision;
    }
  }
  return { tpp, tppPrecision, tppByPrecision };
}

/** PD = TPP / logic die area (REGIME §6 [S]); null when the area is unknown or not positive. */
export function performanceDensity(tpp: number, logicDieAreaMm2: number | undefined): number | null {
  if (logicDieAreaMm2 === undefined || !(logicDieAreaMm2 > 0)) return null;
  return roundFigure(tpp / logicDieAreaMm2);
}

interface EccnResult {
  eccn: Eccn | null;
  note2Applied: boolean;
  /** True when TPP alone cannot decide and PD is unknown: the result is "not established". */
  indeterminate: boolean;
  reason: string;
}

const f = formatFigure;

/** 3A090 from TPP and PD alone, before Note 2. */
function eccnByPerformance(tpp: number, pd: number | null): Omit<EccnResult, "note2Applied"> {
  if (tpp >= t.eccnATppMin) {
    return { eccn: "3A090.a", indeterminate: false, reason: `TPP ${f(tpp)} ≥ ${f(t.eccnATppMin)}` };
  }
  if (tpp < t.eccnADenseTppMin) {
    return {
      eccn: null,
      indeterminate: false,
      reason: `TPP ${f(tpp)} < ${f(t.eccnADenseTppMin)}, below every 3A090 threshold`,
    };
  }
  if (pd === null) {
    return {
      eccn: null,
      indeterminate: true,
      reason:
        `TPP ${f(tpp)} is ≥ ${f(t.eccnADenseTppMin)} but < ${f(t.eccnATppMin)}, and without the logic die ` +
        `area the PD-dependent branches of 3A090.a and .b cannot be established`,
    };
  }
  if (pd >= t.eccnAPdMin) {
    return {
      eccn: "3A090.a",
      indeterminate: false,
      reason: `TPP ${f(tpp)} ≥ ${f(t.eccnADenseTppMin)} and PD ${f(pd)} ≥ ${f(t.eccnAPdMin)}`,
    };
  }
  if (tpp >= t.eccnBTppMin && pd >= t.eccnBPdMin) {
    return {
      eccn: "3A090.b",
      indeterminate: false,
      reason: `${f(t.eccnBTppMin)} ≤ TPP ${f(tpp)} < ${f(t.eccnATppMin)} and ${f(t.eccnBPdMin)} ≤ PD ${f(pd)} < ${f(t.eccnAPdMin)}`,
    };
  }
  if (pd >= t.eccnBDensePdMin) {
    return {
      eccn: "3A090.b",
      indeterminate: false,
      reason: `TPP ${f(tpp)} ≥ ${f(t.eccnBDenseTppMin)} and ${f(t.eccnBDensePdMin)} ≤ PD ${f(pd)} < ${f(t.eccnAPdMin)}`,
    };
  }
  return {
    eccn: null,
    indeterminate: false,
    reason:
      `TPP ${f(tpp)} < ${f(t.eccnATppMin)} and PD ${f(pd)} meets no PD branch ` +
      `(≥ ${f(t.eccnAPdMin)}, or ≥ ${f(t.eccnBDensePdMin)}, or ≥ ${f(t.eccnBPdMin)} with TPP ≥ ${f(t.eccnBTppMin)})`,
  };
}

/** ECCN 3A090.a/.b or none, with Note 2 (REGIME §6 [S]). */
export function classifyEccn(tpp: number, pd: number | null, datacenter: boolean): EccnResult {
  const base = eccnByPerformance(tpp, pd);
  if (!datacenter && tpp < t.note2TppMax) {
    const without = base.indeterminate ? "undetermined" : (base.eccn ?? "not 3A090 either");
    return {
      eccn: null,
      note2Applied: true,
      indeterminate: false,
      reason:
        `Not 3A090 under Note 2: not designed or marketed for data centres and TPP ${f(tpp)} < ` +
        `${f(t.note2TppMax)} (without Note 2: ${without})`,
    };
  }
  if (base.eccn !== null)
    return { ...base, note2Applied: false, reason: `ECCN ${base.eccn}: ${base.reason}` };
  const head = base.indeterminate ? "ECCN not established" : "Not 3A090";
  return { ...base, note2Applied: false, reason: `${head}: ${base.reason}` };
}

export type BisBox = Classification["bisBox"];

/** The BIS case-by-case box of 15 Jan 2026: TPP < 21,000 and DRAM bandwidth < 6,500 GB/s, strict (§1 [S]). */
export function classifyBisBox(tpp: number, dramBandwidthGBs: number): BisBox {
  const tppMax = t.bisBoxTppMax;
  const dramBandwidthMaxGBs = t.bisBoxDramBandwidthMaxGBs;
  const tppOk = tpp < tppMax;
  const bandwidthOk = dramBandwidthGBs < dramBandwidthMaxGBs;
  const tppText = `TPP ${f(tpp)} ${tppOk ? "<" : "is not <"} ${f(tppMax)}`;
  const bwText = `DRAM bandwidth ${f(dramBandwidthGBs)} GB/s ${bandwidthOk ? "<" : "is not <"} ${f(dramBandwidthMaxGBs)} GB/s`;
  const failedLimits: BisBox["failedLimits"] = [];
  if (!tppOk) failedLimits.push("tppMax");
  if (!bandwidthOk) failedLimits.push("dramBandwidthMaxGBs");
  const eligible = failedLimits.length === 0;
  const reason = eligible
    ? `Inside the BIS case-by-case box: ${tppText} and ${bwText}`
    : `Outside the BIS case-by-case box: ${[!tppOk ? tppText : null, !bandwidthOk ? bwText : null]
        .filter((part) => part !== null)
        .join(" and ")}${tppOk ? ` (${tppText})` : ""}${bandwidthOk ? ` (${bwText})` : ""}`;
  return { eligible, tppMax, dramBandwidthMaxGBs, failedLimits, reason };
}

interface Section232BandBounds {
  band: Section232Band;
  tppMin: number;
  tppMax: number;
  bwMin: number;
  bwMax: number;
}

const section232Bands = [
  {
    band: 1,
    tppMin: t.section232Band1TppMin,
    tppMax: t.section232Band1TppMax,
    bwMin: t.section232Band1DramBandwidthMinGBs,
    bwMax: t.section232Band1DramBandwidthMaxGBs,
  },
  {
    band: 2,
    tppMin: t.section232Band2TppMin,
    tppMax: t.section232Band2TppMax,
    bwMin: t.section232Band2DramBandwidthMinGBs,
    bwMax: t.section232Band2DramBandwidthMaxGBs,
  },
] as const satisfies readonly Section232BandBounds[];

/** The §232 duty band of the 14 Jan 2026 proclamation, all bounds exclusive (§2 [S]). */
export function classifySection232(
  tpp: number,
  dramBandwidthGBs: number,
): { band: Section232Band | null; reason: string } {
  const bw = dramBandwidthGBs;
  for (const b of section232Bands) {
    const range = `${f(b.tppMin)} < TPP ${f(tpp)} < ${f(b.tppMax)} and ${f(b.bwMin)} < DRAM bandwidth ${f(bw)} GB/s < ${f(b.bwMax)} GB/s`;
    if (tpp > b.tppMin && tpp < b.tppMax && bw > b.bwMin && bw < b.bwMax) {
      return { band: b.band, reason: `Section 232 band ${b.band}: ${range}` };
    }
  }
  const near = section232Bands.find((b) => tpp > b.tppMin && tpp < b.tppMax);
  const why = near
    ? `TPP ${f(tpp)} is inside band ${near.band}'s TPP range but DRAM bandwidth ${f(bw)} GB/s is outside ` +
      `${f(near.bwMin)}–${f(near.bwMax)} GB/s`
    : `TPP ${f(tpp)} is inside neither band's TPP range (${section232Bands
        .map((b) => `${f(b.tppMin)}–${f(b.tppMax)}`)
        .join(", ")})`;
  return { band: null, reason: `No Section 232 band (bounds exclusive): ${why}` };
}

interface SafeResult {
  advanced: boolean;
  /** True when the answer is "no" only because PD or the interconnect figure is unknown. */
  indeterminate: boolean;
  reason: string;
}

/** "Advanced IC" under the SAFE Chips Act bill, S.3374 (§5 [P]; a scenario, not law). */
export function classifySafeChipsAct(
  spec: ChipSpec,
  tpp: number,
  pd: number | null,
  eccn: EccnResult,
): SafeResult {
  const bw = spec.dramBandwidthGBs;
  const ic = spec.interconnectGBs;
  const sum = ic === undefined ? null : roundFigure(bw + ic);
  const tests: [boolean, string, string][] = [
    [eccn.eccn !== null, `classified ${eccn.eccn ?? ""}`, "not 3A090"],
    [tpp >= t.safeTppMin, `TPP ${f(tpp)} ≥ ${f(t.safeTppMin)}`, `TPP ${f(tpp)} < ${f(t.safeTppMin)}`],
    [
      pd !== null && tpp >= t.safeMidTppMin && pd >= t.safeMidPdMin,
      `TPP ≥ ${f(t.safeMidTppMin)} and PD ${f(pd ?? 0)} ≥ ${f(t.safeMidPdMin)}`,
      `not TPP ≥ ${f(t.safeMidTppMin)} with PD ≥ ${f(t.safeMidPdMin)}`,
    ],
    [
      pd !== null && tpp >= t.safeDenseTppMin && pd >= t.safeDensePdMin,
      `TPP ≥ ${f(t.safeDenseTppMin)} and PD ${f(pd ?? 0)} ≥ ${f(t.safeDensePdMin)}`,
      `not TPP ≥ ${f(t.safeDenseTppMin)} with PD ≥ ${f(t.safeDensePdMin)}`,
    ],
    [
      bw >= t.safeDramBandwidthMinGBs,
      `DRAM bandwidth ${f(bw)} GB/s ≥ ${f(t.safeDramBandwidthMinGBs)}`,
      `DRAM bandwidth ${f(bw)} GB/s < ${f(t.safeDramBandwidthMinGBs)}`,
    ],
    [
      ic !== undefined && ic >= t.safeInterconnectMinGBs,
      `interconnect ${f(ic ?? 0)} GB/s ≥ ${f(t.safeInterconnectMinGBs)}`,
      ic === undefined
        ? "interconnect unknown"
        : `interconnect ${f(ic)} GB/s < ${f(t.safeInterconnectMinGBs)}`,
    ],
    [
      sum !== null && sum >= t.safeCombinedBandwidthMinGBs,
      `DRAM + interconnect ${f(sum ?? 0)} GB/s ≥ ${f(t.safeCombinedBandwidthMinGBs)}`,
      sum === null
        ? "DRAM + interconnect unknown"
        : `DRAM + interconnect ${f(sum)} GB/s < ${f(t.safeCombinedBandwidthMinGBs)}`,
    ],
  ];
  const met = tests.filter(([ok]) => ok).map(([, yes]) => yes);
  const advanced = met.length > 0;
  const pdMissing = pd === null && tpp >= Math.min(t.safeMidTppMin, t.safeDenseTppMin);
  const indeterminate = !advanced && (pdMissing || eccn.indeterminate || ic === undefined);
  if (advanced) {
    return {
      advanced,
      indeterminate,
      reason: `SAFE Chips Act (S.3374, a bill) advanced IC: ${met.join("; ")}`,
    };
  }
  const unmet = tests.map(([, , no]) => no).join("; ");
  const caveat = indeterminate
    ? " — not established: a missing logic die area or interconnect figure could change this"
    : "";
  return {
    advanced,
    indeterminate,
    reason: `Not an advanced IC under the SAFE Chips Act (S.3374, a bill): ${unmet}${caveat}`,
  };
}

/** Sentence for how TPP was computed, naming every candidate product. */
function tppReason({ tpp, tppPrecision, tppByPrecision }: TppResult, spec: ChipSpec): string {
  if (tppPrecision === null) return "TPP 0: no dense figure was given";
  const tops = spec.denseTops[tppPrecision] ?? 0;
  const candidates = precisions
    .filter((p) => tppByPrecision[p] !== undefined)
    .map((p) => `${p} ${f(tppByPrecision[p] ?? 0)}`)
    .join(", ");
  return (
    `TPP ${f(tpp)} = ${f(tops)} dense TOPS at ${tppPrecision} × ${bitLengthByPrecision[tppPrecision]} bits, ` +
    `the maximum over ${candidates} (sparsity not counted; ties go to the lowest bit length)`
  );
}

/** Classifies a chip: TPP, PD, ECCN, BIS box, §232 band and SAFE test, with one reason each. */
export function classify(spec: ChipSpec): Classification {
  const tppResult = computeTpp(spec.denseTops);
  const { tpp } = tppResult;
  const pd = performanceDensity(tpp, spec.logicDieAreaMm2);
  const eccn = classifyEccn(tpp, pd, spec.datacenter);
  const bisBox = classifyBisBox(tpp, spec.dramBandwidthGBs);
  const band = classifySection232(tpp, spec.dramBandwidthGBs);
  const safe = classifySafeChipsAct(spec, tpp, pd, eccn);
  const pdReason =
    pd === null
      ? "PD unknown: no logic die area was given"
      : `PD ${f(pd)} = TPP ${f(tpp)} / ${f(spec.logicDieAreaMm2 ?? 0)} mm² of logic die`;
  return {
    tpp,
    tppPrecision: tppResult.tppPrecision,
    tppByPrecision: tppResult.tppByPrecision,
    performanceDensity: pd,
    eccn: eccn.eccn,
    note2Applied: eccn.note2Applied,
    eccnIndeterminate: eccn.indeterminate,
    bisBox,
    section232Band: band.band,
    safeChipsActAdvanced: safe.advanced,
    safeChipsActIndeterminate: safe.indeterminate,
    reasons: [tppReason(tppResult, spec), pdReason, eccn.reason, bisBox.reason, band.reason, safe.reason],
  };
}
