// Sends each new checkpoint to the configured witnesses (C2SP tlog-witness: POST
// <url>/add-checkpoint with the size the witness last cosigned, a consistency proof from it and
// the signed note) and keeps the cosignatures that check with the witness's key: the note served
// at /v1/log/checkpoint then carries them. A witness that answers 409 says which size it has; the
// log retries once from there. A witness that refuses never blocks the log; the checkpoint simply
// stays unwitnessed (GET /v1/log/checkpoint.json says so).
import type { LogReader } from "../../../app/log/ports.ts";
import { quote, SluiceError } from "../../../core/errors.ts";
import { checkSignature, parseNote, parseVerifierKey, type Verifier } from "../../../core/log/note.ts";
import type { Store } from "../store.ts";

export interface WitnessConfig {
  url: string;
  key: Verifier;
}

/** SLUICE_LOG_WITNESSES: `<url> <verifier key>` pairs separated by commas. */
export function witnessesFromEnv(text: string | undefined): WitnessConfig[] {
  if (!text?.trim()) return [];
  return text.split(",").map((pair) => {
    const [url, key, extra] = pair.trim().split(/\s+/);
    const parsed = parseVerifierKey(key ?? "");
    if (!url || !parsed.ok || extra !== undefined) {
      throw new SluiceError(
        "bad_input",
        `SLUICE_LOG_WITNESSES entry ${quote(pair.trim())}`,
        "expected `<url> <verifier key>`",
      );
    }
    return { url: url.replace(/\/+$/, ""), key: parsed.value };
  });
}

const requestTimeoutMs = 10_000;

export class WitnessPusher {
  /** The size each witness last cosigned, as far as this process knows. */
  readonly #known = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly reader: LogReader,
    private readonly witnesses: readonly WitnessConfig[],
  ) {}

  async #ask(witness: WitnessConfig, note: string, size: number): Promise<Response> {
    const old = Math.min(this.#known.get(witness.url) ?? 0, size);
    const proof = await this.reader.consistencyProof(old, size);
    const lines = proof.status === "ok" ? proof.hashes : [];
    return fetch(`${witness.url}/add-checkpoint`, {
      method: "POST",
      body: `old ${old}\n${lines.map((h) => `${h}\n`).join("")}\n${note}`,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  }

  /** Collects the witnesses' cosignatures on the checkpoint of `size`; returns the cosigners. */
  async push(size: number): Promise<string[]> {
    const { rows } = await this.store.query<{ note: string }>(
      "SELECT note FROM log_checkpoints WHERE size = $1",
      [size],
    );
    const note = rows[0]?.note;
    if (!note || this.witnesses.length === 0) return [];
    const parsed = parseNote(note);
    if (!parsed.ok) return [];
    const cosignatures: string[] = [];
    const cosigners: string[] = [];
    for (const witness of this.witnesses) {
      try {
        let response = await this.#ask(witness, note, size);
        if (response.status === 409) {
          this.#known.set(witness.url, Number((await response.text()).trim()));
          response = await this.#ask(witness, note, size);
        }
        if (response.status !== 200) continue;
        for (const line of (await response.text()).split("\n").filter(Boolean)) {
          const signature = parseNote(`${parsed.value.text}\n${line}\n`);
          const first = signature.ok ? signature.value.signatures[0] : undefined;
          if (first && checkSignature(parsed.value.text, first, witness.key)) {
            cosignatures.push(`${line}\n`);
            cosigners.push(witness.key.name);
            this.#known.set(witness.url, size);
          }
        }
      } catch {
        // Unreachable or slow: the checkpoint stays without this witness's cosignature.
      }
    }
    if (cosigners.length > 0) {
      await this.store.query("UPDATE log_checkpoints SET cosigned = $2, cosigners = $3 WHERE size = $1", [
        size,
        `${note}${cosignatures.join("")}`,
        cosigners,
      ]);
    }
    return cosigners;
  }
}
