// The audit record: the hash chain re-verified by the server (every entry and the head), and —
// when the server publishes a transparency log (checkpoint, verifier key, proofs) — an entry's
// inclusion checked here in the browser against the signed checkpoint (lib/merkle.ts, lib/note.ts).
import { useState } from "preact/hooks";
import type { Api, AuditVerdict } from "../api/client.ts";
import { Badge, Card, messageOf, Show, useLoad } from "../components/ui.tsx";
import { units } from "../lib/format.ts";
import { base64ToBytes, leafHash, verifyInclusion } from "../lib/merkle.ts";
import { parseCheckpoint, verifyNote } from "../lib/note.ts";

async function checkInclusion(api: Api, index: number): Promise<string> {
  const [note, key] = await Promise.all([api.getText("/v1/log/checkpoint"), api.getText("/v1/log/key")]);
  if (!note || !key) return "this server does not publish a transparency log yet";
  const signature = await verifyNote(note, key);
  if (signature !== "verified") return `checkpoint signature: ${signature.replaceAll("_", " ")}`;
  const checkpoint = parseCheckpoint(note);
  if (!checkpoint) return "checkpoint: malformed";
  const entry = await fetch(`/v1/log/entries/${index}`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (!entry.ok) return `entry ${index}: ${entry.status}`;
  const bytes = new Uint8Array(await entry.arrayBuffer());
  const proof = await api.get<{ hashes: string[] }>(
    `/v1/log/proofs/inclusion?index=${index}&size=${checkpoint.size}`,
  );
  const verdict = await verifyInclusion(
    index,
    checkpoint.size,
    await leafHash(bytes),
    proof.hashes.map(base64ToBytes),
    checkpoint.root,
  );
  return `entry ${index} in the checkpoint of ${units(checkpoint.size)} entries: ${verdict.replaceAll("_", " ")}`;
}

function InclusionCheck({ api }: { api: Api }) {
  const [index, setIndex] = useState("0");
  const [result, setResult] = useState<string | undefined>(undefined);
  const run = async (event: Event) => {
    event.preventDefault();
    try {
      setResult(await checkInclusion(api, Number(index)));
    } catch (failure) {
      setResult(messageOf(failure));
    }
  };
  return (
    <Card title="Inclusion proof, checked in this browser">
      <form class="filters" onSubmit={run}>
        <label for="entry-index">Entry index</label>
        <input
          id="entry-index"
          type="number"
          min="0"
          step="1"
          value={index}
          onInput={(e) => setIndex((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Check</button>
      </form>
      {result && <p data-testid="inclusion-result">{result}</p>}
    </Card>
  );
}

export function Audit({ api }: { api: Api }) {
  const [round, setRound] = useState(0);
  const verdict = useLoad(() => api.get<AuditVerdict>("/v1/audit/verify"), [api, round]);
  return (
    <div class="grid">
      <Card title="Audit hash chain">
        <Show loaded={verdict}>
          {(v) =>
            v.ok ? (
              <p data-testid="audit-verdict">
                <Badge value="verified" /> {units(v.count)} entries, head {v.head.seq}{" "}
                <code>{v.head.hash.slice(0, 16)}…</code>
              </p>
            ) : (
              <p data-testid="audit-verdict">
                <Badge value="fail" label={v.reason} /> at position {v.position}: {v.detail}
              </p>
            )
          }
        </Show>
        <button type="button" onClick={() => setRound((n) => n + 1)}>
          Verify again
        </button>
      </Card>
      <InclusionCheck api={api} />
    </div>
  );
}
