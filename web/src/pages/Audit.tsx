// The audit record: the hash chain re-verified by the server (every entry and the head); the
// transparency log's latest checkpoint with its signature checked here against the log key, its
// size, age and witnesses; the entries (for roles that may read them), each of which can be proved
// to be in the signed checkpoint right here in the browser (lib/log-check.ts, WebCrypto).
import { useState } from "preact/hooks";
import type { Api, AuditEntry, AuditEntryPage, AuditVerdict, Session } from "../api/client.ts";
import { CheckpointSummary, useCheckpointStatus } from "../components/CheckpointSummary.tsx";
import { Badge, Card, messageOf, Show, useLoad } from "../components/ui.tsx";
import { instant, units } from "../lib/format.ts";
import { checkCheckpoint, checkInclusion, type InclusionCheck } from "../lib/log-check.ts";

const entriesPerPage = 25;

function InclusionResult({ result }: { result: InclusionCheck }) {
  return (
    <div class="inclusion" data-testid="inclusion-result" data-verdict={result.verdict}>
      <Badge
        value={result.verdict === "verified" ? "verified" : "fail"}
        label={result.verdict.replaceAll("_", " ")}
      />{" "}
      {result.detail}
      {result.entry !== undefined && (
        <details>
          <summary>The entry's bytes, as proved</summary>
          <pre>{result.entry}</pre>
        </details>
      )}
    </div>
  );
}

function useInclusion(api: Api) {
  const [result, setResult] = useState<InclusionCheck | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const check = async (index: number) => {
    setBusy(true);
    try {
      setResult(await checkInclusion(api, index));
    } catch (failure) {
      setResult({ verdict: "proof_malformed", detail: messageOf(failure) });
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, check };
}

function InclusionByIndex({ api }: { api: Api }) {
  const [index, setIndex] = useState("0");
  const inclusion = useInclusion(api);
  return (
    <Card title="Inclusion proof, checked in this browser">
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          void inclusion.check(Number(index));
        }}
      >
        <label for="entry-index">Log index (entry number − 1)</label>
        <input
          id="entry-index"
          type="number"
          min="0"
          step="1"
          value={index}
          onInput={(e) => setIndex((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={inclusion.busy}>
          Check
        </button>
      </form>
      {inclusion.result && <InclusionResult result={inclusion.result} />}
    </Card>
  );
}

function CheckpointCard({ api }: { api: Api }) {
  const status = useCheckpointStatus(api);
  const signature = useLoad(() => checkCheckpoint(api), [api]);
  return (
    <Card title="Latest signed checkpoint">
      <Show loaded={status}>
        {(checkpoint) =>
          checkpoint === null ? (
            <p class="muted">This server has not signed a log checkpoint yet.</p>
          ) : (
            <CheckpointSummary status={checkpoint} />
          )
        }
      </Show>
      <Show loaded={signature}>
        {(check) => (
          <p data-testid="checkpoint-signature" data-verdict={check.verdict}>
            {check.verdict === "verified" ? (
              <>
                <Badge value="verified" label="signature verified" /> in this browser with the log key
                (Ed25519), root{" "}
                <code>{btoa(String.fromCharCode(...check.checkpoint.root)).slice(0, 16)}…</code>
              </>
            ) : (
              <>
                <Badge value="fail" label={check.verdict.replaceAll("_", " ")} /> {check.detail}
              </>
            )}
          </p>
        )}
      </Show>
    </Card>
  );
}

function EntryRow({ api, entry }: { api: Api; entry: AuditEntry }) {
  const inclusion = useInclusion(api);
  const actor = entry.actor
    ? `${entry.actor.role}${entry.actor.tokenId ? ` · ${entry.actor.tokenId}` : ""}`
    : "—";
  return (
    <tr data-seq={entry.seq}>
      <td class="num">{entry.seq}</td>
      <td>{instant(entry.at)}</td>
      <td>
        <code>{entry.kind}</code>
      </td>
      <td>{actor}</td>
      <td>
        <button
          type="button"
          disabled={inclusion.busy}
          aria-label={`Prove entry ${entry.seq} is in the log`}
          onClick={() => void inclusion.check(entry.seq - 1)}
        >
          Prove
        </button>
        {inclusion.result && <InclusionResult result={inclusion.result} />}
      </td>
    </tr>
  );
}

function Entries({ api }: { api: Api }) {
  const [kind, setKind] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => {
    const query = new URLSearchParams({ limit: String(entriesPerPage) });
    if (kind.trim() !== "") query.set("kind", kind.trim());
    if (cursor) query.set("cursor", cursor);
    return api.get<AuditEntryPage>(`/v1/audit/entries?${query}`);
  }, [api, kind, cursor]);
  return (
    <Card title="Audit entries" wide>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="entry-kind">Kind (exact, or a prefix ending in “.”)</label>
        <input
          id="entry-kind"
          type="search"
          value={kind}
          onChange={(e) => {
            setKind((e.target as HTMLInputElement).value);
            setCursors([]);
          }}
        />
      </form>
      <Show loaded={page}>
        {(data) => (
          <>
            <table class="list" aria-label="audit entries">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Entry
                  </th>
                  <th scope="col">At</th>
                  <th scope="col">Kind</th>
                  <th scope="col">By</th>
                  <th scope="col">In the log?</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((entry) => (
                  <EntryRow key={entry.seq} api={api} entry={entry} />
                ))}
              </tbody>
            </table>
            {cursors.length > 0 && (
              <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </button>
            )}{" "}
            {data.nextCursor && (
              <button type="button" onClick={() => setCursors([...cursors, data.nextCursor as string])}>
                Next
              </button>
            )}
          </>
        )}
      </Show>
    </Card>
  );
}

export function Audit({ api, session }: { api: Api; session: Session }) {
  const [round, setRound] = useState(0);
  const verdict = useLoad(() => api.get<AuditVerdict>("/v1/audit/verify"), [api, round]);
  const readsEntries = (session.actions as readonly string[]).includes("audit.read");
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
      <CheckpointCard api={api} />
      <InclusionByIndex api={api} />
      {readsEntries && <Entries api={api} />}
    </div>
  );
}
