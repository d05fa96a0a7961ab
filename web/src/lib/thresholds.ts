// The cap as a compliance officer watches it: China's use (pending + posted) against the cap
// (ratio × US posted), and the alert levels trade-compliance suites use for a licence or quota
// (80, 90, 95 and 100 % used). Pure; bigints, so no figure is rounded before the comparison.

export const alertLevelsPercent = [80, 90, 95, 100] as const;
export type AlertLevel = (typeof alertLevelsPercent)[number];

export interface CapUse {
  capUnits: bigint;
  usedUnits: bigint;
  pendingUnits: bigint;
  postedUnits: bigint;
  headroomUnits: bigint;
  /** Highest level reached (used × 100 ≥ level × cap), or null below 80 %. */
  level: AlertLevel | null;
  /** Used / cap in hundredths of a percent (for the gauge), null when the cap is 0. */
  usedBasisPoints: number | null;
}

export interface CapAccount {
  ratioPercent: number;
  usPosted: string;
  cnPending: string;
  cnPosted: string;
}

export function capUse(account: CapAccount): CapUse {
  const capUnits = (BigInt(account.ratioPercent) * BigInt(account.usPosted)) / 100n;
  const pendingUnits = BigInt(account.cnPending);
  const postedUnits = BigInt(account.cnPosted);
  const usedUnits = pendingUnits + postedUnits;
  let level: AlertLevel | null = null;
  for (const candidate of alertLevelsPercent) {
    // A zero cap with any use is past every level; a zero cap unused is at none.
    if (usedUnits * 100n >= BigInt(candidate) * capUnits && (capUnits > 0n || usedUnits > 0n)) {
      level = candidate;
    }
  }
  return {
    capUnits,
    usedUnits,
    pendingUnits,
    postedUnits,
    headroomUnits: capUnits - usedUnits,
    level,
    usedBasisPoints: capUnits > 0n ? Number((usedUnits * 10_000n) / capUnits) : null,
  };
}
