// `sluice witness serve`: a C2SP tlog-witness for Sluice logs (run by the US regulator, and by the
// Chinese authority if it wants its own). POST /add-checkpoint is checked by src/core/log/witness.ts;
// requests are handled one at a time, and the new state is written to its file (temporary file,
// fsync, rename) BEFORE the cosignature is answered, so two racing requests cannot both be
// cosigned from the same old size and a crash never forgets a size it cosigned.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Command } from "commander";
import { quote, SluiceError } from "../../../core/errors.ts";
import { parseSignerKey, parseVerifierKey, type Signer, type Verifier } from "../../../core/log/note.ts";
import { addCheckpoint, type WitnessState, witnessHttpStatus } from "../../../core/log/witness.ts";
import { action, println } from "../io.ts";

/** A request body larger than this is refused (a checkpoint and its proof are a few KiB). */
export const witnessBodyBytesMax = 64 * 1024;

export interface WitnessOptions {
  signer: Signer;
  logs: Verifier[];
  stateFile: string;
  port: number;
  host?: string;
  /** The clock for the cosignature's timestamp (seconds). */
  now?: () => Date;
}

function readState(file: string): WitnessState {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, "utf8")) as WitnessState;
}

function writeState(file: string, state: WitnessState): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

export async function startWitness(
  options: WitnessOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  let state = readState(options.stateFile);
  let queue: Promise<unknown> = Promise.resolve();
  const now = options.now ?? (() => new Date());
  const server = createServer((request, response) => {
    const send = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    if (request.method !== "POST" || request.url !== "/add-checkpoint") return send(404, "not found\n");
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= witnessBodyBytesMax) chunks.push(chunk);
    });
    request.on("end", () => {
      if (bytes > witnessBodyBytesMax) return send(413, "body too large\n");
      const body = Buffer.concat(chunks).toString("utf8");
      // One request at a time: check against the state, persist, then answer.
      queue = queue.then(() => {
        const result = addCheckpoint(
          state,
          body,
          options.logs,
          options.signer,
          Math.floor(now().getTime() / 1000),
        );
        if (result.status === "ok") {
          writeState(options.stateFile, result.state);
          state = result.state;
          return send(200, result.cosignature);
        }
        if (result.status === "conflict") return send(409, `${result.size}\n`, "text/x.tlog.size");
        return send(witnessHttpStatus[result.status], `${result.why}\n`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const readMaybeFile = (value: string): string =>
  (existsSync(value) ? readFileSync(value, "utf8") : value).trim();

export function register(program: Command): void {
  const witness = program.command("witness").description("a tlog-witness that cosigns the log's checkpoints");
  witness
    .command("serve")
    .description("serve POST /add-checkpoint (C2SP tlog-witness) with this witness's key and state")
    .requiredOption("--key <file>", "the witness's signer key file (sluice log keygen --witness)")
    .requiredOption("--log-key <key>", "a log's verifier key (or a file holding it); repeatable", collect)
    .requiredOption("--state <file>", "where the witness keeps the last size and root per log")
    .option("--port <port>", "TCP port", "8090")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(
      action(
        async (options: { key: string; logKey: string[]; state: string; port: string; host: string }) => {
          const signer = parseSignerKey(readMaybeFile(options.key));
          if (!signer.ok) throw new SluiceError("bad_input", `--key ${quote(options.key)}`, signer.why);
          const logs = options.logKey.map((text) => {
            const parsed = parseVerifierKey(readMaybeFile(text));
            if (!parsed.ok) throw new SluiceError("bad_input", `--log-key ${quote(text)}`, parsed.why);
            return parsed.value;
          });
          const port = Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65_535) {
            throw new SluiceError("bad_input", `--port ${quote(options.port)}`, "expected 0–65535");
          }
          const running = await startWitness({
            signer: signer.value,
            logs,
            stateFile: options.state,
            port,
            host: options.host,
          });
          println(
            `sluice witness ${signer.value.name}: serving ${running.url}/add-checkpoint for ${logs.map((l) => l.name).join(", ")}`,
          );
          await new Promise<void>((resolve) => {
            process.once("SIGINT", () => resolve());
            process.once("SIGTERM", () => resolve());
          });
          await running.close();
        },
      ),
    );
}
