// CLI: `sluice report KIND --from D --to D [--format json|csv|pdf] [--bom] [--out FILE]` issues a
// regulator report from the local store (as the local operator, role admin; the report service comes
// from the composition root's wiring), or with --server through GET /v1/reports/KIND as the token's
// principal, and, with --out, writes FILE and its detached signature FILE.sig; `sluice report verify FILE [--key KEYFILE]` checks
// FILE against FILE.sig with the report key (default: the data directory's), or with the key of a
// server (`--server URL`, GET /v1/reports/key). Exit codes: 0 valid, 3 not valid, 2 bad input.
import { readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import {
  type ReportFormat,
  type ReportKind,
  type ReportWindow,
  reportFormats,
  reportKinds,
} from "../../../core/reports/model.ts";
import { verifyReport } from "../../../core/reports/signature.ts";
import { checkpointHeader, signatureHeader } from "../../contract/reports.ts";
import { printJson, println, readInput } from "../io.ts";
import { cliClock } from "../ledger-context.ts";
import { type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

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

async function parseFlags(kindText: string, flags: ReportFlags) {
  const kind = oneOf<ReportKind>(reportKinds, kindText, "report kind");
  const format = oneOf<ReportFormat>(reportFormats, flags.format, "--format");
  if (!flags.from || !flags.to) throw badInput("report", "--from and --to are required (ISO dates)");
  // Loaded on use: the report service pulls in the rulebooks, which other commands do not need.
  const { ReportService } = await import("../../../app/reports/service.ts");
  return { kind, format, window: ReportService.window(flags.from, flags.to) };
}

/** Writes the report (stdout, or FILE and FILE.sig) and prints the summary; the same both ways. */
function output(
  flags: ReportFlags,
  issued: { kind: ReportKind; window: ReportWindow; bytes: Uint8Array; signature: string; keyId: string },
  checkpoint: { size: number; rootHash: string },
): number {
  if (flags.out === undefined) {
    process.stdout.write(issued.bytes);
    return exitCodes.ok;
  }
  writeFileSync(flags.out, issued.bytes);
  writeFileSync(`${flags.out}.sig`, issued.signature);
  const { kind, window } = issued;
  const summary = {
    file: flags.out,
    signature: `${flags.out}.sig`,
    bytes: issued.bytes.length,
    kind,
    window,
    checkpoint,
    keyId: issued.keyId,
  };
  if (flags.json) printJson(summary);
  else
    println(
      `report ${kind} ${window.from}..${window.to}: ${flags.out} (${issued.bytes.length} bytes), signature ${flags.out}.sig; checkpoint size ${checkpoint.size} root ${checkpoint.rootHash}`,
    );
  return exitCodes.ok;
}

/** On the local store, as the local operator (role admin). */
async function issueLocal(wiring: CliWiring, kindText: string, flags: ReportFlags): Promise<number> {
  const { kind, format, window } = await parseFlags(kindText, flags);
  return wiring.withReports(cliClock(), async (reports) => {
    const principal = { id: `local:${userInfo().username}`, role: "admin" as const, partyId: null };
    const report = await reports.issue(principal, kind, window);
    const rendered = await reports.render(report, format, { bom: flags.bom === true });
    return output(flags, { kind, window, ...rendered }, report.checkpoint);
  });
}

/** Through a server (GET /v1/reports/KIND) as the token's principal: the server's bytes and signature. */
async function issueRemote(remote: Remote, kindText: string, flags: ReportFlags): Promise<number> {
  const { kind, format, window } = await parseFlags(kindText, flags);
  const { bytes, headers } = await remote.getBytes(`/v1/reports/${kind}`, {
    ...window,
    format,
    ...(flags.bom ? { bom: "true" } : {}),
  });
  const signature = `${headers.get(signatureHeader) ?? ""}\n`;
  const keyId = (JSON.parse(signature) as { keyId?: string }).keyId ?? "";
  const [, size = "0", rootHash = ""] =
    /size=(\d+); root=(.*)/.exec(headers.get(checkpointHeader) ?? "") ?? [];
  return output(flags, { kind, window, bytes, signature, keyId }, { size: Number(size), rootHash });
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

export function register(program: Command, wiring: CliWiring): void {
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
    (kind: string, flags: ReportFlags) => issueLocal(wiring, kind, flags),
    (remote: Remote, kind: string, flags: ReportFlags) => issueRemote(remote, kind, flags),
  );
  const verify = report
    .command("verify")
    .description("check FILE against FILE.sig with the report key")
    .argument("<file>", "a report written by `sluice report … --out FILE` or saved from the API")
    .option("--key <keyfile>", "the report key or its public key (PEM); default: the data directory's")
    .option("--json", "print the outcome as JSON");
  serve(
    verify,
    (file: string, flags: { key?: string; json?: boolean }) =>
      check(file, wiring.reportPublicKeyPem(flags.key), flags.json ?? jsonOf(report)),
    async (remote: Remote, file: string, flags: { json?: boolean }) => {
      const key = (await remote.get("/v1/reports/key")) as { publicKeyPem: string };
      return check(file, key.publicKeyPem, flags.json ?? jsonOf(report));
    },
  );
}
