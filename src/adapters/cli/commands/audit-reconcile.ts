// CLI: `sluice audit reconcile [--json]` (issue #15 item 6): rebuilds the ledger's accounts, the
// reservations and the shipments' states from the log's entries and names every difference with
// the tables. On the local store, or through a server (GET /v1/audit/reconcile, for the auditor,
// the US regulator and admin). Exit 0 when the tables answer to the log, 3 (conflict) when not.
// Registers on the `audit` command that `audit verify|list|show` share.
import type { Command } from "commander";
import { exitCodes } from "../../../core/errors.ts";
import type { ReconcileReport } from "../../../core/log/reconcile.ts";
import { printJson, println } from "../io.ts";
import { serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

const show = (value: string | null): string => (value === null ? "(no row)" : value);

/** Prints the report; the exit code says whether the tables answer to the log. */
export function printReconcile(report: ReconcileReport, json?: boolean): number {
  if (json) printJson(report);
  else {
    const { accounts, reservations, shipments } = report.counts;
    const counted = `${report.entries} entries replayed; ${accounts} accounts, ${reservations} reservations, ${shipments} shipments`;
    if (report.ok) println(`reconcile ok: ${counted}`);
    else {
      println(`reconcile: ${report.differences.length} differences (${counted})`);
      for (const d of report.differences)
        println(`${d.table} ${d.key} ${d.column}: log says ${show(d.expected)}, table has ${show(d.actual)}`);
    }
  }
  return report.ok ? exitCodes.ok : exitCodes.conflict;
}

export function register(program: Command, wiring: CliWiring): void {
  const existing = program.commands.find((command) => command.name() === "audit");
  const audit = existing ?? program.command("audit").description("the tamper-evident audit log");
  serve(
    audit
      .command("reconcile")
      .description(
        "rebuild ledger accounts, reservations and shipment states from the log; name every difference (exit 3)",
      )
      .option("--json", "print JSON"),
    async (flags: { json?: boolean }) => printReconcile(await wiring.reconcile(), flags.json),
    async (remote, flags: { json?: boolean }) =>
      printReconcile((await remote.get("/v1/audit/reconcile")) as ReconcileReport, flags.json),
  );
}
