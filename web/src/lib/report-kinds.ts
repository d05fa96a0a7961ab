// The report kinds the server issues (docs/reports.md), with their names in English and Chinese,
// and which of them a principal may read: one policy action per kind (`reports.<kind>.read`).
// No imports, so the navigation and the tests can read it too.

export const reportKindNames = {
  cap: { label: "Volume cap", labelZh: "数量上限" },
  decisions: { label: "Decisions", labelZh: "裁定" },
  duty: { label: "Section 232 duty", labelZh: "232 关税" },
  prepayments: { label: "Prepayments", labelZh: "预付款" },
  "lab-tests": { label: "Lab tests", labelZh: "实验室检测" },
  china: { label: "China's side", labelZh: "中方审批与通关" },
  custody: { label: "Custody and diversion", labelZh: "监管链与转移报告" },
} as const;
export type ReportKind = keyof typeof reportKindNames;
export const reportKinds = Object.keys(reportKindNames) as ReportKind[];

/** The kinds this principal may read: one policy action per kind. */
export const readableKinds = (actions: readonly string[]): ReportKind[] =>
  reportKinds.filter((kind) => actions.includes(`reports.${kind}.read`));
