// The navigation, one row per page: the page shows for a role when the policy lets that role
// attempt the page's action (the server says which in GET /v1/session), so a new role needs no
// line here, and a page whose feature is not on this server yet (its action unknown to the
// policy) stays hidden until it lands. Order here is order in the menu.

export interface NavPage {
  path: string;
  label: string;
  /** Chinese label, shown beside the English one. */
  labelZh: string;
  /** The policy action whose permission shows the page. */
  action: string;
}

export const navPages: readonly NavPage[] = [
  { path: "/overview", label: "Overview", labelZh: "概览", action: "overview.read" },
  { path: "/pipeline", label: "Pipeline", labelZh: "订单与货运", action: "shipments.read" },
  { path: "/decisions", label: "Decisions", labelZh: "裁定", action: "decisions.read" },
  { path: "/parties", label: "Parties & screening", labelZh: "当事方与筛查", action: "screenings.read" },
  { path: "/rulebooks", label: "Rulebooks", labelZh: "规则集", action: "rulebooks.read" },
  { path: "/audit", label: "Audit log", labelZh: "审计日志", action: "audit.verify" },
  // Pages of features on other branches: they show once the server's policy knows the action.
  { path: "/map", label: "Map", labelZh: "地图", action: "custody.read" },
  { path: "/reports", label: "Reports", labelZh: "报告", action: "reports.read" },
  { path: "/simulations", label: "Simulator", labelZh: "模拟", action: "simulations.run" },
];

/** The pages a principal with these actions sees, in menu order. */
export function pagesFor(actions: readonly string[]): NavPage[] {
  return navPages.filter((page) => actions.includes(page.action));
}
