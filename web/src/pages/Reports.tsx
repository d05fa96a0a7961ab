// The regulator reports this role may read (one policy action per kind, docs/reports.md): choose a
// kind, a window of UTC days and a format, and download the signed file. The page shows the log
// checkpoint the report was computed at and the key that signed it, and checks the signature here
// (lib/report-download.ts) before offering the file.
import { useEffect, useState } from "preact/hooks";
import type { Api, Session } from "../api/client.ts";
import { Badge, Card, messageOf, Show, useLoad } from "../components/ui.tsx";
import { units } from "../lib/format.ts";
import {
  type DownloadedReport,
  fetchReport,
  type ReportFormat,
  type ReportKey,
  reportFormats,
} from "../lib/report-download.ts";
import { type ReportKind, readableKinds, reportKindNames } from "../lib/report-kinds.ts";

/** The default window: this year up to today (UTC), within the 366 days a report may cover. */
function defaultWindow(nowMs: number): { from: string; to: string } {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

function Saved({ report }: { report: DownloadedReport }) {
  const [href, setHref] = useState<string | undefined>(undefined);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([new Uint8Array(report.bytes)], { type: report.contentType }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [report]);
  const [size, root] = report.checkpoint.split(";").map((part) => part.split("=").slice(1).join("="));
  return (
    <div data-testid="report-result">
      <dl class="facts">
        <dt>File</dt>
        <dd>
          {href && (
            <a href={href} download={report.fileName} data-testid="report-file">
              {report.fileName}
            </a>
          )}{" "}
          <span class="muted">({units(report.bytes.length)} bytes)</span>
        </dd>
        <dt>Log checkpoint</dt>
        <dd data-testid="report-checkpoint">
          {size ? `${units(size)} entries, root ` : ""}
          <code>{root ?? report.checkpoint}</code>
        </dd>
        <dt>Signed by key</dt>
        <dd>
          <code data-testid="report-key">{report.keyId ?? "—"}</code>
        </dd>
        <dt>Signature</dt>
        <dd data-testid="report-signature" data-verdict={report.verdict}>
          <Badge
            value={report.verdict === "valid" ? "verified" : "fail"}
            label={
              report.verdict === "valid"
                ? "valid (checked in this browser)"
                : report.verdict.replaceAll("_", " ")
            }
          />
        </dd>
      </dl>
    </div>
  );
}

export function Reports({ api, session }: { api: Api; session: Session }) {
  const kinds = readableKinds(session.actions);
  const [kind, setKind] = useState<ReportKind | undefined>(kinds[0]);
  const [window, setWindow] = useState(() => defaultWindow(Date.now()));
  const [format, setFormat] = useState<ReportFormat>("csv");
  const [report, setReport] = useState<DownloadedReport | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const key = useLoad(() => api.get<ReportKey>("/v1/reports/key"), [api]);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!kind) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      setReport(await fetchReport(api, kind, window, format));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  if (kinds.length === 0) return <p class="muted">Your role receives no report.</p>;
  return (
    <div class="grid">
      <Card title="Reports for the regulators" wide>
        <form class="filters" onSubmit={submit}>
          <fieldset class="kinds">
            <legend>Report</legend>
            {kinds.map((k) => (
              <label key={k}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{" "}
                {reportKindNames[k].label}{" "}
                <span lang="zh" class="zh">
                  {reportKindNames[k].labelZh}
                </span>
              </label>
            ))}
          </fieldset>
          <label for="report-from">From</label>
          <input
            id="report-from"
            type="date"
            required
            value={window.from}
            onInput={(e) => setWindow({ ...window, from: (e.target as HTMLInputElement).value })}
          />
          <label for="report-to">To</label>
          <input
            id="report-to"
            type="date"
            required
            value={window.to}
            onInput={(e) => setWindow({ ...window, to: (e.target as HTMLInputElement).value })}
          />
          <label for="report-format">Format</label>
          <select
            id="report-format"
            value={format}
            onChange={(e) => setFormat((e.target as HTMLSelectElement).value as ReportFormat)}
          >
            {reportFormats.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            Get the report
          </button>
        </form>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {report && <Saved report={report} />}
      </Card>
      <Card title="The report key">
        <Show loaded={key}>
          {(k) => (
            <>
              <p>
                {k.alg}, key id <code data-testid="server-report-key">{k.keyId}</code>
              </p>
              <pre class="pem">{k.publicKeyPem}</pre>
            </>
          )}
        </Show>
      </Card>
    </div>
  );
}
