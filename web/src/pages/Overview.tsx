// The first page of a compliance officer, an examiner or an auditor: the cap per account as a
// gauge with its alert level, the volumes by day, decisions by outcome, orders and shipments by
// state, open alerts, and the transparency log's latest checkpoint when the server has one.
import type { AlertPage, Api, Overview as OverviewData, QuotaPage, Session } from "../api/client.ts";
import { CheckpointSummary, useCheckpointStatus } from "../components/CheckpointSummary.tsx";
import { Gauge } from "../components/Gauge.tsx";
import { HistoryChart } from "../components/HistoryChart.tsx";
import { Badge, Card, Show, useLoad } from "../components/ui.tsx";
import { instant, units } from "../lib/format.ts";
import { capUse } from "../lib/thresholds.ts";

const can = (session: Session, action: string) => (session.actions as readonly string[]).includes(action);

function Counts({ counts, label }: { counts: Record<string, number>; label: string }) {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return (
    <table class="counts" aria-label={label}>
      <tbody>
        {Object.entries(counts).map(([key, count]) => (
          <tr key={key}>
            <th scope="row">
              <Badge value={key} />
            </th>
            <td class="num" data-testid={`${label}-${key}`}>
              {units(count)}
            </td>
            <td class="bar-cell">
              <span class="bar" style={{ width: `${total > 0 ? (count * 100) / total : 0}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CapCard({ api }: { api: Api }) {
  const quota = useLoad(() => api.get<QuotaPage>("/v1/quota?limit=200"), [api]);
  return (
    <Card title="Volume cap: China against ratio × US" wide>
      <Show loaded={quota}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No cap accounts yet.</p>
          ) : (
            <div class="gauges">
              {page.items.map((account) => {
                const use = capUse(account);
                return (
                  <div key={account.id} class="gauge-box">
                    <h3 class="account">{account.id}</h3>
                    <Gauge use={use} id={account.id} />
                    <p>
                      {use.level === null ? (
                        <Badge value="pass" label="below 80 %" />
                      ) : (
                        <Badge
                          value={use.level >= 100 ? "fail" : "pending"}
                          label={`alert: ${use.level} % reached`}
                        />
                      )}{" "}
                      {account.blocked && <Badge value="deny" label="blocked by a US reversal" />}
                    </p>
                  </div>
                );
              })}
            </div>
          )
        }
      </Show>
    </Card>
  );
}

function AlertsCard({ api }: { api: Api }) {
  const alerts = useLoad(() => api.get<AlertPage>("/v1/quota/alerts?limit=200"), [api]);
  return (
    <Card title="Open alerts">
      <Show loaded={alerts}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted" data-testid="alert-count">
              0 alerts
            </p>
          ) : (
            <>
              <p data-testid="alert-count">
                {page.items.length === 200 ? "200 or more" : page.items.length} alerts
              </p>
              <ul class="alerts">
                {page.items.slice(0, 20).map((alert) => (
                  <li key={alert.id}>
                    <Badge value="fail" label={alert.kind} /> {alert.accountId}{" "}
                    <span class="muted">{instant(alert.raisedAt)}</span>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Show>
    </Card>
  );
}

function CheckpointCard({ api }: { api: Api }) {
  const status = useCheckpointStatus(api);
  return (
    <Card title="Transparency log">
      <Show loaded={status}>
        {(checkpoint) =>
          checkpoint === null ? (
            <p class="muted">This server has not signed a log checkpoint yet.</p>
          ) : (
            <CheckpointSummary status={checkpoint} />
          )
        }
      </Show>
    </Card>
  );
}

export function Overview({ api, session }: { api: Api; session: Session }) {
  const overview = useLoad(() => api.get<OverviewData>("/v1/overview"), [api]);
  const quota = can(session, "quota.read");
  return (
    <div class="grid">
      {quota && <CapCard api={api} />}
      <Show loaded={overview}>
        {(data) => (
          <>
            {data.history.map((account) => (
              <Card key={account.accountId} title={`Volumes by day: ${account.accountId}`} wide>
                <HistoryChart days={account.days} ratioPercent={account.ratioPercent} />
              </Card>
            ))}
            <Card title="Decisions by outcome">
              <Counts counts={data.decisionsByOutcome} label="decisions" />
            </Card>
            <Card title="Orders by state">
              <Counts counts={data.ordersByStatus} label="orders" />
            </Card>
            <Card title="Shipments by state">
              <Counts counts={data.shipmentsByStatus} label="shipments" />
            </Card>
          </>
        )}
      </Show>
      {quota && <AlertsCard api={api} />}
      <CheckpointCard api={api} />
    </div>
  );
}
