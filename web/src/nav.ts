// The navigation, one row per page: the page shows for a role when the policy lets that role
// attempt one of the page's actions (the server says which in GET /v1/session), so a new role needs no
// line here, and a page whose feature is not on this server yet (its action unknown to the
// policy) stays hidden until it lands. Order here is order in the menu.

import { reportKinds } from "./lib/report-kinds.ts";

export interface NavPage {
  path: string;
  label: string;
  /** Chinese label, shown beside the English one. */
  labelZh: string;
  /** The policy actions any of which shows the page. */
  actions: readonly string[];
}

export const navPages: readonly NavPage[] = [
  { path: "/overview", label: "Overview", labelZh: "概览", actions: ["overview.read"] },
  { path: "/pipeline", label: "Pipeline", labelZh: "订单与货运", actions: ["shipments.read"] },
  { path: "/decisions", label: "Decisions", labelZh: "裁定", actions: ["decisions.read"] },
  { path: "/parties", label: "Parties & screening", labelZh: "当事方与筛查", actions: ["screenings.read"] },
  {
    path: "/evidence",
    label: "Licences & evidence",
    labelZh: "许可与证据",
    actions: ["licences.read", "certificates.read", "duty.read"],
  },
  { path: "/rulebooks", label: "Rulebooks", labelZh: "规则集", actions: ["rulebooks.read"] },
  { path: "/audit", label: "Audit log", labelZh: "审计日志", actions: ["audit.verify"] },
  // Pages of features that may be absent: they show once the server's policy knows the action;
  // the reports page shows for a role that may read any report kind.
  { path: "/map", label: "Map", labelZh: "地图", actions: ["custody.read"] },
  {
    path: "/reports",
    label: "Reports",
    labelZh: "报告",
    actions: reportKinds.map((kind) => `reports.${kind}.read`),
  },
  { path: "/simulations", label: "Simulator", labelZh: "模拟", actions: ["simulations.run"] },
];

/** The pages a principal with these actions sees, in menu order. */
export function pagesFor(actions: readonly string[]): NavPage[] {
  return navPages.filter((page) => page.actions.some((action) => actions.includes(action)));
}
