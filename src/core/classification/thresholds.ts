// The numeric thresholds of chip classification, each named with its unit last and cited to
// /work/shared/regime/REGIME.md with the status of the fact ([P] primary text, [S] two or more
// consistent secondary sources, [U] one source or unverified, [D] sources disagree).
// TPP is dimensionless (TOPS × bit length); PD is TPP per mm² of logic die; bandwidths are GB/s.
// Comparisons (≥, >, <) live in classify.ts next to each use; the strictness is part of the cite.

// --- ECCN 3A090 (REGIME §6, [S]: BIS rule of 17 Nov 2023 as summarised by secondary sources) ---

/** 3A090.a: TPP ≥ 4,800 on its own; also the Note 2 limit (below it, non-data-centre parts are out). §6 [S] */
export const eccnATppMin = 4800;
/** 3A090.a: TPP ≥ 1,600 together with PD ≥ 5.92. §6 [S] */
export const eccnADenseTppMin = 1600;
/** 3A090.a: PD ≥ 5.92 (with TPP ≥ 1,600); also the exclusive upper PD bound of 3A090.b. §6 [S] */
export const eccnAPdMin = 5.92;
/** 3A090.b first branch: 2,400 ≤ TPP < 4,800 with 1.6 ≤ PD < 5.92. §6 [S] */
export const eccnBTppMin = 2400;
/** 3A090.b first branch: PD ≥ 1.6. §6 [S] */
export const eccnBPdMin = 1.6;
/** 3A090.b second branch: TPP ≥ 1,600 with 3.2 ≤ PD < 5.92. §6 [S] */
export const eccnBDenseTppMin = 1600;
/** 3A090.b second branch: PD ≥ 3.2. §6 [S] */
export const eccnBDensePdMin = 3.2;
/** Note 2: parts not designed or marketed for data centres are not 3A090 below this TPP. §6 [S] */
export const note2TppMax = 4800;

// --- BIS case-by-case box of 15 Jan 2026 (REGIME §1, [S]: Morgan Lewis, STR; summary [P]) ---

/** Box: TPP strictly below 21,000. §1 [S] */
export const bisBoxTppMax = 21000;
/** Box: total DRAM bandwidth strictly below 6,500 GB/s. §1 [S] */
export const bisBoxDramBandwidthMaxGBs = 6500;

// --- Section 232 duty bands, proclamation of 14 Jan 2026 (REGIME §2, [S]: EY, White & Case, CBP) ---
// Every bound is exclusive (strict inequalities on both sides).

/** Band 1 (H200 SXM): TPP > 14,000 (exclusive). §2 [S] */
export const section232Band1TppMin = 14000;
/** Band 1: TPP < 17,500 (exclusive). §2 [S] */
export const section232Band1TppMax = 17500;
/** Band 1: DRAM bandwidth > 4,500 GB/s (exclusive). §2 [S] */
export const section232Band1DramBandwidthMinGBs = 4500;
/** Band 1: DRAM bandwidth < 5,000 GB/s (exclusive). §2 [S] */
export const section232Band1DramBandwidthMaxGBs = 5000;
/** Band 2 (MI325X): TPP > 20,800 (exclusive). §2 [S] */
export const section232Band2TppMin = 20800;
/** Band 2: TPP < 21,100 (exclusive). §2 [S] */
export const section232Band2TppMax = 21100;
/** Band 2: DRAM bandwidth > 5,800 GB/s (exclusive). §2 [S] */
export const section232Band2DramBandwidthMinGBs = 5800;
/** Band 2: DRAM bandwidth < 6,200 GB/s (exclusive). §2 [S] */
export const section232Band2DramBandwidthMaxGBs = 6200;

// --- SAFE Chips Act, S.3374 of 4 Dec 2025, "advanced IC" (REGIME §5, [P]: bill text; not law) ---

/** Advanced IC: TPP ≥ 4,800. §5 [P] */
export const safeTppMin = 4800;
/** Advanced IC: TPP ≥ 2,400 (with PD ≥ 1.6). §5 [P] */
export const safeMidTppMin = 2400;
/** Advanced IC: PD ≥ 1.6 (with TPP ≥ 2,400). §5 [P] */
export const safeMidPdMin = 1.6;
/** Advanced IC: TPP ≥ 1,600 (with PD ≥ 3.2). §5 [P] */
export const safeDenseTppMin = 1600;
/** Advanced IC: PD ≥ 3.2 (with TPP ≥ 1,600). §5 [P] */
export const safeDensePdMin = 3.2;
/** Advanced IC: DRAM bandwidth ≥ 4,100 GB/s. §5 [P] */
export const safeDramBandwidthMinGBs = 4100;
/** Advanced IC: interconnect bandwidth ≥ 1,100 GB/s. §5 [P] (catalog interconnect figures are [U], §7) */
export const safeInterconnectMinGBs = 1100;
/** Advanced IC: DRAM + interconnect bandwidth ≥ 5,000 GB/s. §5 [P] */
export const safeCombinedBandwidthMinGBs = 5000;

// --- Input limits (ours, not regulatory): reject absurd figures before arithmetic ---

/** Largest accepted dense figure per precision, in TOPS/TFLOPS (a zetta-op chip is a typo). */
export const denseTopsMax = 1e9;
/** Largest accepted DRAM or interconnect bandwidth, in GB/s. */
export const bandwidthMaxGBs = 1e9;
/** Smallest accepted logic die area, in mm² (keeps PD finite; real accelerator dies are ≥ 100 mm²). */
export const logicDieAreaMinMm2 = 0.001;
/** Largest accepted logic die area, in mm² (a full 300 mm wafer is ~70,000 mm²). */
export const logicDieAreaMaxMm2 = 1e6;
/** Longest accepted chip name, in characters. */
export const chipNameLengthMax = 200;
/** Figures are rounded to this many decimals to remove binary floating-point noise. */
export const figureDecimalsMax = 6;
