// Reads the log for `sluice log export`: every signed checkpoint (oldest first) and the entries'
// bytes up to the latest one, page by page (a million entries stream in bounded memory).
import { createWriteStream } from "node:fs";
import { exportFormat } from "../../../app/log/verify.ts";
import type { Store } from "../store.ts";

const pageRowsMax = 5000;

export async function signedCheckpoints(store: Store): Promise<{ size: number; note: string }[]> {
  const { rows } = await store.query<{ size: bigint; note: string; cosigned: string | null }>(
    "SELECT size, note, cosigned FROM log_checkpoints ORDER BY size",
  );
  return rows.map((r) => ({ size: Number(r.size), note: r.cosigned ?? r.note }));
}

/** Entries [from, to) by index, as stored. */
export async function* entryBytes(store: Store, from: number, to: number): AsyncGenerator<string> {
  let next = from;
  while (next < to) {
    const { rows } = await store.query<{ seq: bigint; entry: string | null }>(
      "SELECT seq, entry FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
      [next, to, pageRowsMax],
    );
    if (rows.length === 0) return;
    for (const row of rows) {
      if (Number(row.seq) !== next + 1) return; // a gap: the verifier reports the log as cut there
      yield row.entry ?? "";
      next++;
    }
  }
}

/** Writes the export (header with every signed checkpoint, then one entry per line) to `path`. */
export async function writeExport(
  store: Store,
  path: string,
): Promise<{ size: number; checkpoints: number }> {
  const checkpoints = await signedCheckpoints(store);
  const latest = checkpoints.at(-1);
  if (!latest) return { size: 0, checkpoints: 0 };
  const out = createWriteStream(path);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  await write(`${JSON.stringify({ format: exportFormat, checkpoints: checkpoints.map((c) => c.note) })}\n`);
  for await (const entry of entryBytes(store, 0, latest.size)) await write(`${entry}\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { size: latest.size, checkpoints: checkpoints.length };
}
