// A decision beside its replay: the findings of both, rule by rule (matched by rule id, the
// original's order first, then rules only the replay has), each row marked when its status,
// message or measured value changed. Pure.

export interface ComparableFinding {
  ruleId: string;
  status: string;
  message: string;
  measured?: string | undefined;
}

export interface FindingRow<F extends ComparableFinding> {
  ruleId: string;
  before: F | undefined;
  after: F | undefined;
  changed: boolean;
}

const same = (a: ComparableFinding | undefined, b: ComparableFinding | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.status === b.status &&
  a.message === b.message &&
  a.measured === b.measured;

export function compareFindings<F extends ComparableFinding>(
  before: readonly F[],
  after: readonly F[],
): FindingRow<F>[] {
  const afterById = new Map(after.map((finding) => [finding.ruleId, finding]));
  const rows: FindingRow<F>[] = before.map((finding) => {
    const other = afterById.get(finding.ruleId);
    afterById.delete(finding.ruleId);
    return { ruleId: finding.ruleId, before: finding, after: other, changed: !same(finding, other) };
  });
  for (const [ruleId, finding] of afterById)
    rows.push({ ruleId, before: undefined, after: finding, changed: true });
  return rows;
}
