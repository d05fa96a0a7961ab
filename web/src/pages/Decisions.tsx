// Recorded decisions, filterable by outcome: a held one opens on its findings and remedy.
import { useState } from "preact/hooks";
import { Link } from "wouter-preact";
import type { Api, DecisionSummary } from "../api/client.ts";
import { Badge, PagedList } from "../components/PagedList.tsx";
import { Card } from "../components/ui.tsx";

const outcomes = ["approve", "hold", "deny"] as const;

export function Decisions({ api }: { api: Api }) {
  const [outcome, setOutcome] = useState("");
  return (
    <div class="grid">
      <Card title="Decisions" wide>
        <div class="filters">
          <fieldset class="chips">
            <legend>Outcome</legend>
            {["", ...outcomes].map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={outcome === value}
                onClick={() => setOutcome(value)}
              >
                {value === "" ? "all" : value}
              </button>
            ))}
          </fieldset>
        </div>
        <PagedList<DecisionSummary & { status: string }>
          api={api}
          path={outcome === "" ? "/v1/decisions" : `/v1/decisions?outcome=${outcome}`}
          statuses={[]}
          label="decisions"
          header={
            <tr>
              <th scope="col">Decision</th>
              <th scope="col">Outcome</th>
              <th scope="col">Purpose</th>
              <th scope="col">As of</th>
              <th scope="col">Deciding rules</th>
            </tr>
          }
          row={(d) => (
            <tr key={d.id}>
              <td>
                <Link href={`/decisions/${encodeURIComponent(d.id)}`}>{d.id}</Link>
              </td>
              <td>
                <Badge value={d.decision} />
              </td>
              <td>{d.purpose}</td>
              <td>{d.evaluatedOn}</td>
              <td class="small">{d.decidingRuleIds.join(", ") || "—"}</td>
            </tr>
          )}
        />
      </Card>
    </div>
  );
}
