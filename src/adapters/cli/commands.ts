// The list of CLI command modules. Each module registers its commands on the program.
import type { Command } from "commander";

export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [];
