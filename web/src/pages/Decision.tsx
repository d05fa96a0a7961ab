// One decision: every finding with its status, citation and the fact's status ([P]/[S]/[U]/[D]),
// measured against required, and the remedy; and a replay of the same dossier under another day
// or scenario, side by side with what changed (POST /v1/evaluate: nothing is recorded).
import { useState } from "preact/hooks";
import type {
  Api,
  Decision as DecisionData,
  DecisionRecord,
  Evaluated,
  Finding,
  Rulebooks,
  Session,
} from "../api/client.ts";
import { Badge, Card, FactBadge, messageOf, Show, useLoad } from "../components/ui.tsx";
import { compareFindings } from "../lib/diff.ts";

function FindingCell({ finding }: { finding: Finding | undefined }) {
  if (!finding) return <td class="muted">not evaluated</td>;
  return (
    <td>
      <Badge value={finding.status} /> {finding.message}
      {(finding.measured || finding.required) && (
        <div class="small">
          measured <strong>{finding.measured ?? "—"}</strong>, required{" "}
          <strong>{finding.required ?? "—"}</strong>
          {finding.unit ? ` (${finding.unit})` : ""}
        </div>
      )}
    </td>
  );
}

function Findings({ decision }: { decision: DecisionData }) {
  return (
    <table class="list findings" aria-label="findings">
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Finding</th>
          <th scope="col">Citation</th>
          <th scope="col">Remedy</th>
        </tr>
      </thead>
      <tbody>
        {decision.findings.map((f) => (
          <tr
            key={f.ruleId}
            data-rule={f.ruleId}
            class={decision.decidingRuleIds.includes(f.ruleId) ? "deciding" : ""}
          >
            <th scope="row" class="small">
              {f.ruleId}
              <div class="muted">{f.jurisdiction}</div>
            </th>
            <FindingCell finding={f} />
            <td class="small">
              {f.citation.source} <FactBadge status={f.citation.status} />
              {f.annotations &&
                Object.entries(f.annotations).map(([key, note]) => (
                  <div key={key} class="muted">
                    {key}: {note.note} <FactBadge status={note.status} />
                  </div>
                ))}
            </td>
            <td class="remedy">
              {f.remedy ? (
                <>
                  {f.remedy.summary}
                  {f.remedy.details && (
                    <ul class="small">
                      {Object.entries(f.remedy.details).map(([k, v]) => (
                        <li key={k}>
                          {k}: {v}
                        </li>
                      ))}
                    </ul>
                  )}
                </>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Replay({ api, record }: { api: Api; record: DecisionRecord }) {
  const books = useLoad(() => api.get<Rulebooks>("/v1/rulebooks?all=true"), [api]);
  const [at, setAt] = useState(record.decision.at);
  const [scenario, setScenario] = useState("");
  const [replayed, setReplayed] = useState<Evaluated | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const scenarios = [...record.decision.scenarios, ...(scenario ? [scenario] : [])];
      setReplayed(await api.post<Evaluated>("/v1/evaluate", { dossier: record.dossier, at, scenarios }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const scenarios = (books.data?.rulebooks ?? []).filter((book) => book.scenario);
  return (
    <Card title="Replay under another day or scenario" wide>
      <form class="filters" onSubmit={run}>
        <label for="replay-at">Day</label>
        <input
          id="replay-at"
          type="date"
          value={at}
          required
          onInput={(e) => setAt((e.target as HTMLInputElement).value)}
        />
        <label for="replay-scenario">Scenario</label>
        <select
          id="replay-scenario"
          value={scenario}
          onChange={(e) => setScenario((e.target as HTMLSelectElement).value)}
        >
          <option value="">none</option>
          {scenarios.map((book) => (
            <option key={book.id} value={book.id}>
              {book.title}
            </option>
          ))}
        </select>
        <button type="submit">Replay</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {replayed && <SideBySide before={record.decision} after={replayed} />}
    </Card>
  );
}

function SideBySide({ before, after }: { before: DecisionData; after: Evaluated }) {
  const rows = compareFindings(before.findings, after.findings as Finding[]);
  const changed = rows.filter((row) => row.changed).length;
  return (
    <>
      <p data-testid="replay-summary">
        <Badge value={before.decision} /> on {before.at} → <Badge value={after.decision} /> on {after.at}:{" "}
        {changed} finding{changed === 1 ? "" : "s"} changed
      </p>
      <table class="list" aria-label="replay side by side">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Recorded ({before.at})</th>
            <th scope="col">Replayed ({after.at})</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.ruleId} class={row.changed ? "changed" : ""}>
              <th scope="row" class="small">
                {row.ruleId}
                {row.changed && <div class="changed-mark">changed</div>}
              </th>
              <FindingCell finding={row.before} />
              <FindingCell finding={row.after} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function Decision({ api, session, id }: { api: Api; session: Session; id: string }) {
  const loaded = useLoad(() => api.get<DecisionRecord>(`/v1/decisions/${encodeURIComponent(id)}`), [api, id]);
  const canReplay = (session.actions as readonly string[]).includes("evaluate");
  return (
    <Show loaded={loaded}>
      {(record) => (
        <div class="grid">
          <Card title={`Decision ${record.id}`} wide>
            <p class="decision-head">
              <Badge value={record.decision.decision} /> as of {record.decision.at}, order {record.orderId},{" "}
              {record.decision.product.name} (TPP {record.decision.product.tpp},{" "}
              {record.decision.product.eccn ?? "no ECCN"})
            </p>
            <p class="small muted">
              rulebooks {record.decision.rulebooks.map((b) => `${b.id} v${b.version}`).join(", ")}
              {record.decision.scenarios.length > 0
                ? `; scenarios ${record.decision.scenarios.join(", ")}`
                : ""}
              ; inputs {record.decision.inputHash.slice(0, 16)}…
            </p>
            <Findings decision={record.decision} />
          </Card>
          {canReplay && <Replay api={api} record={record} />}
        </div>
      )}
    </Show>
  );
}
