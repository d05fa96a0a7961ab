// CLI: `sluice audit verify`, the hash chain of the audit log checked on the local store or through
// a server (GET /v1/audit/verify); --expect-head detects a cut-off end. It creates the `audit`
// command that `audit list|show` (audit-entries.ts) and `audit reconcile` extend.
import type { Command } from "commander";
import type { VerifyResult } from "../../../core/audit/chain.ts";
import { badInput, quote, SluiceError } from "../../../core/errors.ts";
import { printJson } from "../io.ts";
import { serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

interface JsonOption {
  json?: boolean;
}

export function registerAudit(program: Command, wiring: CliWiring): void {
  const existing = program.commands.find((command) => command.name() === "audit");
  const audit = existing ?? program.command("audit").description("the tamper-evident audit log");
  serve(
    audit
      .command("verify")
      .description("verify the hash chain; names the first bad entry")
      .option("--expect-head <seq:hash>", "the head published earlier, to detect a cut-off end")
      .option("--json", "print JSON"),
    async (o: JsonOption & { expectHead?: string }) => {
      const expect = o.expectHead ? parseHead(o.expectHead) : undefined;
      return reportVerify(await wiring.verifyAudit(expect), o);
    },
    async (remote, o) => {
      const expect = o.expectHead ? parseHead(o.expectHead) : undefined;
      const query = expect ? { seq: String(expect.seq), hash: expect.hash } : {};
      const result = await remote.get("/v1/audit/verify", query);
      return reportVerify(result as VerifyResult, o);
    },
  );
}

function reportVerify(result: VerifyResult, o: JsonOption): number {
  if (o.json) printJson(result);
  if (result.ok) {
    if (!o.json)
      process.stdout.write(
        `audit log ok: ${result.count} entries, head seq ${result.head.seq} ${result.head.hash}\n`,
      );
    return 0;
  }
  const error = new SluiceError(
    "conflict",
    "audit log",
    `entry at position ${result.position} (seq ${result.seq ?? "none"}) ${result.reason.replaceAll("_", " ")}: ${result.detail}`,
    result.reason,
  );
  if (o.json) return 3;
  throw error;
}

function parseHead(text: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw badInput(`--expect-head ${quote(text)}`, "expected <seq>:<64 hex digits>");
  return { seq: Number(match[1]), hash: match[2] as string };
}
