// The route modules of the API, registered in this order. To add an area: write
// routes/<area>.ts exporting a RouteModule and add ONE import and ONE entry here.
import { registerAudit } from "./audit.ts";
import { registerAuditEntries } from "./audit-entries.ts";
// issue #15 item 6: the tables answer to the log
import { registerAuditReconcile } from "./audit-reconcile.ts";
import { registerCatalog } from "./catalog.ts";
import { registerCustody } from "./custody.ts";
import { registerEvaluate } from "./evaluate.ts";
import { registerEvidence } from "./evidence.ts";
import { registerReversals } from "./evidence-reversals.ts";
import { registerHealth } from "./health.ts";
import { registerLabTests } from "./lab-tests.ts";
import { registerLists } from "./lists.ts";
import { registerListsImport } from "./lists-import.ts";
import { registerLog } from "./log.ts";
import { registerOverview } from "./overview.ts";
import { registerQuota } from "./quota.ts";
import { registerReports } from "./reports.ts";
import { registerRulebooks } from "./rulebooks.ts";
import { registerScreening } from "./screening.ts";
import { registerScreeningWorkflow } from "./screening-workflow.ts";
import { registerShipmentLists } from "./shipment-lists.ts";
import { registerShipments } from "./shipments.ts";
// issue #19: the policy simulator
import { registerSimulations } from "./simulations.ts";
import { registerTokens } from "./tokens.ts";
import type { RouteModule } from "./types.ts";

export const routeModules: RouteModule[] = [
  registerHealth,
  registerCatalog,
  registerEvaluate,
  registerRulebooks,
  registerScreening,
  registerScreeningWorkflow,
  registerListsImport,
  registerShipments,
  registerShipmentLists, // the pipeline's lists: search and state filter on the server
  registerEvidence,
  registerReversals,
  registerAudit,
  registerAuditEntries, // issue #13: reading the record
  registerAuditReconcile, // issue #15 item 6: the tables answer to the log
  registerLog,
  registerQuota,
  registerTokens,
  registerSimulations,
  registerCustody,
  registerOverview,
  registerLists,
  registerReports,
  registerLabTests, // issue #18: failed lab tests, counted by the labs report
];
