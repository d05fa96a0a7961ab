// Custody on a map (issue #16): declared sites, landmarks, and the chips named by alerts (or looked
// up by serial) at their declared site with their latest verdict, drawn offline by WorldMap.
// Beside it the alerts, newest first, filtered by status; opening one shows its evidence, status
// and who/when/why, and for a heartbeat's observations draws each landmark's disc (RTT/2 × c),
// zoomed to them. Roles with `alerts.write` acknowledge or close it with a reason.
import { useState } from "preact/hooks";
import type { Api, Session } from "../api/client.ts";
import { type Alert, type Landmark, loadMap, type Serial } from "../api/custody.ts";
import { Badge, Card, messageOf, Show, useLoad } from "../components/ui.tsx";
import { type MapDisc, type MapPoint, WorldMap } from "../components/WorldMap.tsx";
import { discsOf, lightKmPerMs } from "../lib/discs.ts";
import { instant } from "../lib/format.ts";

const alertDiscs = (alert: Alert | undefined, landmarks: readonly Landmark[]): MapDisc[] =>
  discsOf(alert?.evidence.observations ?? [], landmarks);

function AlertDetail({
  alert,
  landmarks,
  api,
  canWrite,
  onChanged,
}: {
  alert: Alert;
  landmarks: readonly Landmark[];
  api: Api;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const discs = alertDiscs(alert, landmarks);
  const update = async (status: "acknowledged" | "closed") => {
    setBusy(true);
    try {
      await api.post(`/v1/alerts/${encodeURIComponent(alert.id)}/status`, { status, reason });
      setError(undefined);
      setReason("");
      onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const { observations: _observations, ...rest } = alert.evidence;
  return (
    <section
      class="card wide alert-detail"
      aria-label="alert"
      data-testid="alert-detail"
      data-alert={alert.id}
    >
      <h2>
        {alert.kind.replaceAll("_", " ")}{" "}
        <Badge value={alert.status === "open" ? "open_alert" : alert.status} />
      </h2>
      <dl class="facts">
        <dt>Serial</dt>
        <dd>{alert.serial ?? "—"}</dd>
        <dt>Opened</dt>
        <dd data-testid="alert-opened">
          {instant(alert.openedAt)} by {alert.openedBy}
        </dd>
        {alert.updatedAt && (
          <>
            <dt>Status</dt>
            <dd data-testid="alert-updated">
              {alert.status} {instant(alert.updatedAt)} by {alert.updatedBy}: {alert.reason}
            </dd>
          </>
        )}
        <dt>Under</dt>
        <dd>{alert.rulebook}</dd>
        <dt>Report</dt>
        <dd>
          {alert.report.category} — to {alert.report.to}
        </dd>
      </dl>
      {discs.length > 0 && (
        <table class="list" aria-label="observations">
          <thead>
            <tr>
              <th scope="col">Landmark</th>
              <th scope="col" class="num">
                RTT (ms)
              </th>
              <th scope="col" class="num">
                Disc radius (km)
              </th>
            </tr>
          </thead>
          <tbody>
            {discs.map((disc) => (
              <tr key={disc.landmarkId} data-landmark={disc.landmarkId}>
                <td>{landmarks.find((l) => l.id === disc.landmarkId)?.name ?? disc.landmarkId}</td>
                <td class="num">
                  {alert.evidence.observations?.find((o) => o.landmarkId === disc.landmarkId)?.rttMs}
                </td>
                <td class="num">{Math.round(disc.radiusKm).toLocaleString("en")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Evidence</summary>
        <pre class="small">{JSON.stringify(rest, null, 2)}</pre>
      </details>
      {canWrite && alert.status !== "closed" && (
        <form
          class="alert-actions"
          onSubmit={(event) => {
            event.preventDefault();
          }}
        >
          <label>
            Reason{" "}
            <input
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              required
              maxLength={1000}
            />
          </label>
          {alert.status === "open" && (
            <button
              type="button"
              disabled={busy || reason.trim() === ""}
              onClick={() => update("acknowledged")}
            >
              Acknowledge
            </button>
          )}
          <button type="button" disabled={busy || reason.trim() === ""} onClick={() => update("closed")}>
            Close
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Looks up one chip by serial (GET /v1/serials/{serial}): its state, site and latest verdict. */
function SerialLookup({ api, onFound }: { api: Api; onFound: (serial: Serial) => void }) {
  const [serial, setSerial] = useState("");
  const [found, setFound] = useState<Serial | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const look = async () => {
    try {
      const record = await api.get<Serial>(`/v1/serials/${encodeURIComponent(serial.trim())}`);
      setFound(record);
      setError(undefined);
      onFound(record);
    } catch (failure) {
      setFound(undefined);
      setError(messageOf(failure));
    }
  };
  return (
    <form
      class="alert-actions"
      onSubmit={(event) => {
        event.preventDefault();
        void look();
      }}
    >
      <label>
        Chip serial <input value={serial} onInput={(e) => setSerial(e.currentTarget.value)} required />
      </label>
      <button type="submit" disabled={serial.trim() === ""}>
        Look up
      </button>
      {found && (
        <span data-testid="serial-found">
          {found.serial}: {found.state.replaceAll("_", " ")} at {found.siteId ?? "no site"}, latest verdict{" "}
          <Badge
            value={verdictTone[found.lastVerdict ?? ""] ?? "untracked"}
            label={found.lastVerdict ?? "none"}
          />
          {found.lastHeartbeatAt && ` (heard ${instant(found.lastHeartbeatAt)})`}
        </span>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** A verdict's badge tone (docs/custody.md: verified, unprovable, inconsistent, impossible). */
const verdictTone: Record<string, string> = {
  verified: "verified",
  unprovable: "pending",
  inconsistent: "failed",
  impossible: "failed",
};
const statusFilters = ["all", "open", "acknowledged", "closed"] as const;

export function MapPage({ api, session }: { api: Api; session: Session }) {
  const loaded = useLoad(() => loadMap(api), [api]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [looked, setLooked] = useState<readonly Serial[]>([]);
  const [filter, setFilter] = useState<(typeof statusFilters)[number]>("all");
  const [zoomed, setZoomed] = useState(true);
  const canWrite = (session.actions as readonly string[]).includes("alerts.write");
  return (
    <Show loaded={loaded}>
      {(data) => {
        const alert = data.alerts.find((a) => a.id === selected);
        const siteOf = (id: string | null) => data.sites.find((s) => s.id === id);
        const open = new Set(data.alerts.filter((a) => a.status !== "closed").map((a) => a.serial));
        const point = (p: { id: string; name: string; lat: number; lon: number }): MapPoint => ({
          id: p.id,
          label: p.name,
          lat: p.lat,
          lon: p.lon,
        });
        const chips = [
          ...data.serials,
          ...looked.filter((l) => !data.serials.some((s) => s.serial === l.serial)),
        ];
        const listed = data.alerts.filter((a) => filter === "all" || a.status === filter);
        const verdicts = chips.flatMap((s) => {
          const site = siteOf(s.siteId);
          return site
            ? [
                {
                  id: s.serial,
                  label: `${s.serial} at ${site.name}`,
                  lat: site.lat,
                  lon: site.lon,
                  verdict: s.lastVerdict ?? "none",
                  alert: open.has(s.serial),
                },
              ]
            : [];
        });
        const discs = alertDiscs(alert, data.landmarks);
        const alertSite = siteOf(data.serials.find((c) => c.serial === alert?.serial)?.siteId ?? null);
        const focus = zoomed && discs.length > 0 ? [...discs, ...(alertSite ? [alertSite] : [])] : [];
        return (
          <div class="map-layout">
            <Card title="Sites, landmarks and chips">
              <WorldMap
                sites={data.sites.map(point)}
                landmarks={data.landmarks.map(point)}
                verdicts={verdicts}
                discs={discs}
                focus={focus}
                onSelect={(serial) => setSelected(data.alerts.find((a) => a.serial === serial)?.id)}
              />
              <p class="small muted">
                ■ {data.sites.length} declared sites · ▲ {data.landmarks.length} landmarks · ●{" "}
                {verdicts.length} chips (named by alerts or looked up) at their declared site (red: an alert
                not closed). Discs: each landmark's round trip / 2 × {lightKmPerMs} km/ms.
              </p>
              {discs.length > 0 && (
                <fieldset class="chips">
                  <legend>View</legend>
                  <button type="button" aria-pressed={zoomed} onClick={() => setZoomed(true)}>
                    around the alert
                  </button>
                  <button type="button" aria-pressed={!zoomed} onClick={() => setZoomed(false)}>
                    whole world
                  </button>
                </fieldset>
              )}
              <SerialLookup
                api={api}
                onFound={(found) =>
                  setLooked((before) => [...before.filter((l) => l.serial !== found.serial), found])
                }
              />
            </Card>
            <Card title={`Alerts (${data.alerts.length})`}>
              <fieldset class="chips">
                <legend>Status</legend>
                {statusFilters.map((value) => (
                  <button
                    key={value}
                    type="button"
                    aria-pressed={filter === value}
                    onClick={() => setFilter(value)}
                  >
                    {value}
                  </button>
                ))}
              </fieldset>
              {listed.length === 0 ? (
                <p class="muted">No alerts.</p>
              ) : (
                <ul class="alert-list" aria-label="alerts">
                  {listed.map((a) => (
                    <li key={a.id} data-alert={a.id}>
                      <button
                        type="button"
                        aria-pressed={a.id === selected}
                        onClick={() => setSelected(a.id)}
                      >
                        {a.kind.replaceAll("_", " ")} · {a.serial ?? a.importerId}{" "}
                        <Badge value={a.status === "open" ? "open_alert" : a.status} label={a.status} />
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            {alert && (
              <AlertDetail
                key={alert.id}
                alert={alert}
                landmarks={data.landmarks}
                api={api}
                canWrite={canWrite}
                onChanged={loaded.reload}
              />
            )}
          </div>
        );
      }}
    </Show>
  );
}
