// The list of CLI command modules. Each module registers its commands on the program.
import type { Command } from "commander";
import { register as registerClassify } from "./commands/classify.ts";
import { register as registerEvaluate } from "./commands/evaluate.ts";
import { register as registerEvidence } from "./commands/evidence.ts";
import { register as registerLedger } from "./commands/ledger.ts";
import { register as registerReports } from "./commands/reports.ts";
import { register as registerSchema } from "./commands/schema.ts";
import { register as registerScreening } from "./commands/screening.ts";
import { register as registerShipments } from "./commands/shipments.ts";
import { register as registerTokens } from "./commands/tokens.ts";

export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [
  registerClassify,
  registerEvaluate,
  registerEvidence,
  registerLedger,
  registerReports,
  registerSchema,
  registerScreening,
  registerShipments,
  registerTokens,
];
