// `sluice log …`: the transparency log from the command line (docs/log.md).
//   log verify   checks a checkpoint with ONLY the keys given, recomputes the root from every entry
//                (from a running server with --server, or from an export file with --file),
//                checks an earlier checkpoint (--since) and names the first bad entry
//   log prove    fetches one entry and its inclusion proof from a server and checks them
//   log export   writes the signed checkpoints and every entry's bytes to a file (local store)
//   log keygen   makes a new signer key (the log's, or a witness's with --witness)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { exportFormat, type LogSource, type LogVerifyResult, verifyLog } from "../../../app/log/verify.ts";
import { exitCodes, quote, SluiceError } from "../../../core/errors.ts";
import { leafHash, verifyInclusion } from "../../../core/log/merkle.ts";
import {
  formatVerifierKey,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  type Verifier,
} from "../../../core/log/note.ts";
import { action, printJson, println } from "../io.ts";
import { type ServerOptions, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

/** Entries fetched at once from a server while verifying. */
const fetchConcurrency = 16;

const readMaybeFile = (value: string): string =>
  (existsSync(value) ? readFileSync(value, "utf8") : value).trim();

function verifierOf(value: string, what: string): Verifier {
  const parsed = parseVerifierKey(readMaybeFile(value));
  if (!parsed.ok) throw new SluiceError("bad_input", `${what} ${quote(value)}`, parsed.why);
  return parsed.value;
}

/** A small client for the log's text and byte routes (the JSON client would parse them). */
function logClient(options: ServerOptions & { server: string }) {
  const base = options.server.replace(/\/+$/, "");
  const get = async (path: string): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers });
    } catch (error) {
      throw new SluiceError("unavailable", `server ${quote(base)}`, `not reachable (${String(error)})`);
    }
    if (!response.ok) {
      const text = await response.text();
      throw new SluiceError(
        response.status === 401 ? "unauthorized" : response.status === 404 ? "not_found" : "bad_input",
        `GET ${path}`,
        `http ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    return response;
  };
  const entry = async (index: number) =>
    new Uint8Array(await (await get(`/v1/log/entries/${index}`)).arrayBuffer());
  const source: LogSource = {
    async *entries(size: number) {
      for (let start = 0; start < size; start += fetchConcurrency) {
        const indices = Array.from({ length: Math.min(fetchConcurrency, size - start) }, (_, i) => start + i);
        yield await Promise.all(indices.map(entry));
      }
    },
    entry,
    inclusionProof: async (index, size) =>
      (
        (await (await get(`/v1/log/proofs/inclusion?index=${index}&size=${size}`)).json()) as {
          hashes: string[];
        }
      ).hashes,
  };
  return { checkpoint: async () => (await get("/v1/log/checkpoint")).text(), source, entry };
}

/** Entries handed to the verifier per step when reading an export. */
const fileBatchEntries = 4096;

/** The lines of `bytes` after the first, as views (no copies), in batches. */
function* lineBatches(bytes: Buffer, from: number): Generator<Uint8Array[]> {
  let batch: Uint8Array[] = [];
  for (let start = from; start < bytes.length; ) {
    const newline = bytes.indexOf(10, start);
    const end = newline < 0 ? bytes.length : newline;
    batch.push(bytes.subarray(start, end));
    if (batch.length === fileBatchEntries) {
      yield batch;
      batch = [];
    }
    start = end + 1;
  }
  if (batch.length > 0) yield batch;
}

/** An export file: the header's checkpoints, then one entry per line. */
export function fileSource(path: string): { note: string; source: LogSource } {
  if (!existsSync(path)) throw new SluiceError("bad_input", `export ${quote(path)}`, "no such file");
  const bytes = readFileSync(path);
  const headerEnd = bytes.indexOf(10);
  let header: { format?: unknown; checkpoints?: unknown };
  try {
    header = JSON.parse(bytes.toString("utf8", 0, headerEnd < 0 ? bytes.length : headerEnd)) as typeof header;
  } catch {
    throw new SluiceError("bad_input", `export ${quote(path)} line 1`, "not a sluice log export header");
  }
  const notes = header.checkpoints;
  if (header.format !== exportFormat || !Array.isArray(notes) || notes.length === 0) {
    throw new SluiceError(
      "bad_input",
      `export ${quote(path)} line 1`,
      `expected ${exportFormat} with checkpoints`,
    );
  }
  const note = String(notes.at(-1));
  return {
    note,
    source: {
      async *entries() {
        if (headerEnd >= 0) yield* lineBatches(bytes, headerEnd + 1);
      },
      checkpoints: async () => notes.map(String),
    },
  };
}

interface VerifyOptions {
  key: string;
  witness?: string[];
  quorum?: string;
  file?: string;
  since?: string;
  save?: string;
  json?: boolean;
}

function report(result: LogVerifyResult, options: VerifyOptions, note: string): number {
  if (options.json) printJson(result);
  if (result.ok) {
    if (options.save) writeFileSync(options.save, note);
    if (!options.json) {
      const witnessed = result.cosigners.length > 0 ? `, cosigned by ${result.cosigners.join(", ")}` : "";
      const since =
        result.sinceSize === undefined ? "" : `, consistent with the earlier size ${result.sinceSize}`;
      println(`log ok: ${result.size} entries, root ${result.rootHash}${witnessed}${since}`);
    }
    return exitCodes.ok;
  }
  const where = result.index !== undefined ? ` (entry ${result.index})` : "";
  process.stderr.write(`error: log${where}: ${result.reason.replaceAll("_", " ")}: ${result.detail}\n`);
  return exitCodes.conflict;
}

async function runVerify(options: VerifyOptions, from: { note: string; source: LogSource }): Promise<number> {
  const logKey = verifierOf(options.key, "log key");
  const witnessKeys = (options.witness ?? []).map((w) => verifierOf(w, "witness key"));
  const quorum = options.quorum === undefined ? witnessKeys.length : Number(options.quorum);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) {
    throw new SluiceError(
      "bad_input",
      `--quorum ${quote(options.quorum)}`,
      `expected 0 to ${witnessKeys.length}`,
    );
  }
  const since = options.since === undefined ? undefined : readFileSync(options.since, "utf8");
  const result = await verifyLog({
    note: from.note,
    logKey,
    witnessKeys,
    witnessQuorum: quorum,
    since,
    source: from.source,
  });
  return report(result, options, from.note);
}

function registerVerify(log: Command): void {
  serve(
    log
      .command("verify")
      .description("verify the log with only the keys given: signature, cosignatures, every entry, --since")
      .requiredOption("--key <key>", "the log's verifier key (or a file holding it)")
      .option(
        "--witness <key>",
        "a witness's verifier key (repeatable); all must cosign unless --quorum",
        collect,
      )
      .option("--quorum <n>", "cosignatures required among the --witness keys")
      .option("--file <export>", "verify an export file (sluice log export) instead of a server")
      .option("--since <checkpoint>", "a checkpoint saved earlier (file): the log must extend it")
      .option("--save <file>", "when ok, save the checkpoint for a later --since")
      .option("--json", "print JSON"),
    async (options: VerifyOptions) => {
      if (!options.file)
        throw new SluiceError("bad_input", "log verify", "give --file <export> or --server <url>");
      return runVerify(options, fileSource(options.file));
    },
    async (_remote, options: VerifyOptions) => {
      if (options.file) return runVerify(options, fileSource(options.file));
      const client = logClient(logServer(log));
      return runVerify(options, { note: await client.checkpoint(), source: client.source });
    },
  );
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const logServer = (command: Command): ServerOptions & { server: string } => {
  const options = command.optsWithGlobals<ServerOptions>();
  if (!options.server) throw new SluiceError("bad_input", "--server", "required");
  return { ...options, server: options.server };
};

function registerProve(log: Command): void {
  serve(
    log
      .command("prove <index>")
      .description(
        "fetch one entry and its inclusion proof from the server and check them against the checkpoint",
      )
      .requiredOption("--key <key>", "the log's verifier key (or a file holding it)")
      .option("--json", "print JSON"),
    (_index: string, _options: { key: string; json?: boolean }) => {
      throw new SluiceError("bad_input", "log prove", "needs --server <url>");
    },
    async (_remote, indexText: string, options: { key: string; json?: boolean }) => {
      const index = Number(indexText);
      if (!Number.isSafeInteger(index) || index < 0)
        throw new SluiceError("bad_input", `index ${quote(indexText)}`, "expected 0 or more");
      const logKey = verifierOf(options.key, "log key");
      const client = logClient(logServer(log));
      const note = await client.checkpoint();
      const parsed = parseNote(note);
      const body = parsed.ok ? parseCheckpoint(parsed.value.text) : undefined;
      const ok = await verifyLog({
        note,
        logKey,
        witnessQuorum: 0,
        source: { entries: async function* () {} },
      });
      if (!ok.ok && ok.reason !== "truncated") return report(ok, options, note);
      if (!body?.ok) throw new SluiceError("bad_input", "checkpoint", "unreadable");
      const size = body.value.size;
      if (index >= size)
        throw new SluiceError(
          "bad_input",
          `index ${quote(index)}`,
          `not below the checkpoint's size ${size}`,
        );
      const entry = await client.entry(index);
      const proof = (await client.source.inclusionProof?.(index, size)) ?? [];
      const included = verifyInclusion(
        index,
        size,
        leafHash(entry),
        proof.map((h) => new Uint8Array(Buffer.from(h, "base64"))),
        body.value.rootHash,
      );
      const result = { ok: included, index, size, entry: Buffer.from(entry).toString("utf8"), proof };
      if (options.json) printJson(result);
      else if (included) println(`entry ${index} is in the log of ${size} entries: ${result.entry}`);
      if (!included) process.stderr.write(`error: log entry ${index}: its inclusion proof does not check\n`);
      return included ? exitCodes.ok : exitCodes.conflict;
    },
  );
}

function registerExport(log: Command, wiring: CliWiring): void {
  log
    .command("export")
    .description("write every signed checkpoint and every entry's bytes to a file (for log verify --file)")
    .requiredOption("--out <file>", "where to write")
    .action(
      action(async (options: { out: string }) => {
        const written = await wiring.exportLog(options.out);
        if (written.checkpoints === 0) {
          throw new SluiceError("not_found", "log checkpoint", "none signed yet (start the server once)");
        }
        println(`exported ${written.size} entries and ${written.checkpoints} checkpoints to ${options.out}`);
      }),
    );
}

function registerKeygen(log: Command, wiring: CliWiring): void {
  log
    .command("keygen")
    .description("print a new signer key (keep it secret) and, on stderr, its verifier key")
    .requiredOption("--name <name>", "the key's name: the log's origin, or the witness's name")
    .option("--witness", "a witness's cosignature key (type 4) instead of a log key")
    .action(
      action((options: { name: string; witness?: boolean }) => {
        if (!/^[^\s+]+$/.test(options.name))
          throw new SluiceError("bad_input", `--name ${quote(options.name)}`, "no spaces or +");
        const text = wiring.newSignerKey(options.name, options.witness ? 4 : 1);
        const signer = parseSignerKey(text);
        if (!signer.ok) throw new Error(`keygen made an unreadable key: ${signer.why}`);
        println(text);
        process.stderr.write(`${formatVerifierKey(signer.value)}\n`);
      }),
    );
}

export function register(program: Command, wiring: CliWiring): void {
  const log = program.command("log").description("the transparency log: verify, prove, export, keys");
  registerVerify(log);
  registerProve(log);
  registerExport(log, wiring);
  registerKeygen(log, wiring);
}
