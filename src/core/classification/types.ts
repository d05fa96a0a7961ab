// Types of the classification module: a chip's datasheet figures in, its export-control reading out.

/** Precisions that may carry dense (non-sparse) datasheet TOPS/TFLOPS, with their bit lengths. */
export const bitLengthByPrecision = {
  fp4: 4,
  fp8: 8,
  int8: 8,
  fp16: 16,
  bf16: 16,
  fp32: 32,
  fp64: 64,
} as const;
export type Precision = keyof typeof bitLengthByPrecision;
export const precisions = Object.keys(bitLengthByPrecision) as Precision[];

/** What `sluice classify --spec` reads. Figures are dense (sparsity excluded). */
export interface ChipSpec {
  name: string;
  datacenter: boolean;
  denseTops: Partial<Record<Precision, number>>;
  dramBandwidthGBs: number;
  interconnectGBs?: number;
  logicDieAreaMm2?: number;
}

export type Eccn = "3A090.a" | "3A090.b";
export type Section232Band = 1 | 2;

export interface Classification {
  /** Total processing performance: max over precisions of dense TOPS × bit length. */
  tpp: number;
  /** The precision that gave the maximum, or null when no figure was given. */
  tppPrecision: Precision | null;
  /** Dense TOPS × bit length for every precision given (rounded to 1e-6), the candidates for TPP. */
  tppByPrecision: Partial<Record<Precision, number>>;
  /** TPP / logic die area in mm², or null when the area is unknown. */
  performanceDensity: number | null;
  eccn: Eccn | null;
  /** True when Note 2 took the part out of 3A090 (not for data centres and TPP < 4,800). */
  note2Applied: boolean;
  /**
   * True when `eccn` is null only because PD is unknown while 1,600 ≤ TPP < 4,800: the PD-dependent
   * branches of 3A090 could not be established. Callers that must fail closed should treat it as 3A090.
   */
  eccnIndeterminate: boolean;
  bisBox: {
    eligible: boolean;
    tppMax: number;
    dramBandwidthMaxGBs: number;
    /** The limits the chip does not meet (empty when eligible). */
    failedLimits: ("tppMax" | "dramBandwidthMaxGBs")[];
    reason: string;
  };
  section232Band: Section232Band | null;
  safeChipsActAdvanced: boolean;
  /** True when `safeChipsActAdvanced` is false but a missing die area or interconnect figure could change it. */
  safeChipsActIndeterminate: boolean;
  /** One sentence per conclusion above, in order, saying why. */
  reasons: string[];
}
