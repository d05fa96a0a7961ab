// Process entry of the `sluice` CLI (see program.ts), and the CLI's composition root: it hands the
// program the wiring of src/compose.ts.
import { cliWiring } from "../../compose.ts";
import { runCli } from "./program.ts";

await runCli(process.argv, cliWiring());
