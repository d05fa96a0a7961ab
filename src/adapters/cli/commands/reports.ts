// CLI: `sluice report KIND --from D --to D [--format json|csv|pdf] [--bom] [--out FILE]` issues a
// regulator report from the local store (as the local operator, role admin) and, with --out, writes
// FILE and its detached signature FILE.sig; `sluice report verify FILE [--key KEYFILE]` checks
// FILE against FILE.sig with the report key (default: the data directory's), or with the key of a
// server (`--server URL`, GET /v1/reports/key). Exit codes: 0 valid, 3 not valid, 2 bad input.
import { readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import {
  type ReportFormat,
  type ReportKind,
  reportFormats,
  reportKinds,
} from "../../../core/reports/model.ts";
import { verifyReport } from "../../../core/reports/signature.ts";
import { printJson, println, readInput } from "../io.ts";
import { cliClock, withStore } from "../ledger-context.ts";
import { type Remote, serve } from "../remote.ts";

interface ReportFlags {
  from?: string;
  to?: string;
  format: string;
  bom?: boolean;
  out?: string;
  json?: boolean;
}

const oneOf = <T extends string>(list: readonly T[], value: string, what: string): T => {
  if (!(list as readonly string[]).includes(value))
    throw badInput(`${what} ${quote(value)}`, `expected one of ${list.join(", ")}`);
  return value as T;
};

/** A file's bytes (a PDF is not UTF-8); a missing or unreadable file gets the usual error line. */
function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    readInput(file);
    throw badInput(`file ${quote(file)}`, "cannot be read");
  }
}

async function issue(kindText: string, flags: ReportFlags): Promise<number> {
  const kind = oneOf<ReportKind>(reportKinds, kindText, "report kind");
  const format = oneOf<ReportFormat>(reportFormats, flags.format, "--format");
  if (!flags.from || !flags.to) throw badInput("report", "--from and --to are required (ISO dates)");
  const { ReportService } = await import("../../../app/reports/service.ts");
  const window = ReportService.window(flags.from, flags.to);
  const { reportService } = await import("../../../compose.ts");
  return withStore(async (store) => {
    const reports = reportService(store, cliClock());
    const principal = { id: `local:${userInfo().username}`, role: "admin" as const, partyId: null };
    const report = await reports.issue(principal, kind, window);
    const rendered = await reports.render(report, format, { bom: flags.bom === true });
    if (flags.out === undefined) {
      process.stdout.write(rendered.bytes);
      return exitCodes.ok;
    }
    writeFileSync(flags.out, rendered.bytes);
    writeFileSync(`${flags.out}.sig`, rendered.signature);
    const summary = {
      file: flags.out,
      signature: `${flags.out}.sig`,
      bytes: rendered.bytes.length,
      kind,
      window,
      checkpoint: report.checkpoint,
      keyId: rendered.keyId,
    };
    if (flags.json) printJson(summary);
    else
      println(
        `report ${kind} ${window.from}..${window.to}: ${flags.out} (${rendered.bytes.length} bytes), signature ${flags.out}.sig; checkpoint size ${report.checkpoint.size} root ${report.checkpoint.rootHash}`,
      );
    return exitCodes.ok;
  });
}

function check(file: string, publicKeyPem: string, json: boolean | undefined): number {
  const bytes = readBytes(file);
  const signature = readInput(`${file}.sig`);
  const status = verifyReport(bytes, signature, publicKeyPem);
  if (json) printJson({ file, status });
  else println(`${file}: ${status === "valid" ? "signature valid" : `signature not valid (${status})`}`);
  return status === "valid" ? exitCodes.ok : exitCodes.conflict;
}

/** `--json` after `report verify FILE` is taken by `report` itself (it declares one too). */
const jsonOf = (command: Command): boolean | undefined => command.opts<{ json?: boolean }>().json;

export function register(program: Command): void {
  const report = program
    .command("report")
    .description(`regulator reports (${reportKinds.join(", ")}), signed; \`report verify FILE\` checks one`)
    .argument("<kind>", `one of ${reportKinds.join(", ")}`)
    .option("--from <date>", "first day of the window (ISO date, UTC)")
    .option("--to <date>", "last day of the window, included")
    .option("--format <format>", `one of ${reportFormats.join(", ")}`, "json")
    .option("--bom", "CSV: start with a UTF-8 byte order mark (for spreadsheet programs)")
    .option("--out <file>", "write the report here and its detached signature to FILE.sig")
    .option("--json", "print the summary as JSON");
  serve(
    report,
    (kind: string, flags: ReportFlags) => issue(kind, flags),
    () => {
      throw badInput(
        "report",
        "issue reports through a server with GET /v1/reports/KIND (see docs/reports.md)",
      );
    },
  );
  const verify = report
    .command("verify")
    .description("check FILE against FILE.sig with the report key")
    .argument("<file>", "a report written by `sluice report … --out FILE` or saved from the API")
    .option("--key <keyfile>", "the report key or its public key (PEM); default: the data directory's")
    .option("--json", "print the outcome as JSON");
  serve(
    verify,
    async (file: string, flags: { key?: string; json?: boolean }) => {
      const { reportPublicKeyPem } = await import("../../../compose.ts");
      return check(file, reportPublicKeyPem(flags.key), flags.json ?? jsonOf(report));
    },
    async (remote: Remote, file: string, flags: { json?: boolean }) => {
      const key = (await remote.get("/v1/reports/key")) as { publicKeyPem: string };
      return check(file, key.publicKeyPem, flags.json ?? jsonOf(report));
    },
  );
}
