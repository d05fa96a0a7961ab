// The list of CLI command modules. Each module registers its commands on the program; a module
// that needs more than the CLI adapter (a server, a store) takes the wiring port as well.
import type { Command } from "commander";
import { register as registerAuditEntries } from "./commands/audit-entries.ts";
// issue #15 item 6: `audit reconcile`
import { register as registerAuditReconcile } from "./commands/audit-reconcile.ts";
import { register as registerClassify } from "./commands/classify.ts";
import { register as registerCustody } from "./commands/custody.ts";
import { register as registerEvaluate } from "./commands/evaluate.ts";
import { register as registerEvidence } from "./commands/evidence.ts";
import { register as registerLedger } from "./commands/ledger.ts";
import { register as registerLocate } from "./commands/locate.ts";
import { register as registerLog } from "./commands/log.ts";
import { register as registerReports } from "./commands/reports.ts";
// issue #13: `payments|duty|approvals|customs reverse` (after the evidence commands they extend)
import { register as registerReversals } from "./commands/reversals.ts";
import { register as registerSchema } from "./commands/schema.ts";
import { register as registerScreening } from "./commands/screening.ts";
import { register as registerServe } from "./commands/serve.ts";
import { register as registerShipments } from "./commands/shipments.ts";
// issue #19: the policy simulator
import { register as registerSimulate } from "./commands/simulate.ts";
import { register as registerTokens } from "./commands/tokens.ts";
import { register as registerWitness } from "./commands/witness.ts";

import type { CliWiring } from "./wiring.ts";

export type RegisterCommands = (program: Command, wiring: CliWiring) => void;

export const commandModules: RegisterCommands[] = [
  registerClassify,
  registerEvaluate,
  registerEvidence,
  registerReversals,
  registerLedger,
  registerLocate,
  registerAuditEntries, // issue #13: `audit list|show`, after `audit verify` (ledger)
  registerAuditReconcile, // issue #15 item 6: `audit reconcile`, after `audit verify` (ledger)
  registerLog,
  registerReports,
  registerSchema,
  registerScreening,
  registerShipments,
  registerSimulate,
  registerTokens,
  registerServe,
  registerCustody,
  registerWitness,
];
