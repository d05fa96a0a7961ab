// Process entry of the `sluice` CLI (see program.ts).
import { runCli } from "./program.ts";

await runCli(process.argv);
