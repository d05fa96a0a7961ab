// The policy simulator (docs/simulation.md): the shipped scenario (lib/scenario.ts), with its
// horizon, seed and rulebook sets to choose, run by POST /v1/simulations. For the chosen set, its
// per-month series in uPlot: China volume against ratio × US (the cap), approved/held/denied units,
// §232 duty collected, and the units waiting at the labs at month end (the test's lead time);
// below, the comparison table over the horizon, one row per set. Typed by the API's schema.
import { useMemo, useState } from "preact/hooks";
import type { Api, PostAnswer } from "../api/client.ts";
import { type Line, SeriesChart } from "../components/SeriesChart.tsx";
import { Card, messageOf } from "../components/ui.tsx";
import { dollars, units } from "../lib/format.ts";
import { shippedScenario } from "../lib/scenario.ts";

/** POST /v1/simulations answers a scenario's report or a counterfactual's flips; the page asks for a report. */
export type SimulationReport = Extract<PostAnswer<"/v1/simulations">, { months: string[] }>;
type MonthFigures = SimulationReport["series"][number];

/** The month with the most units waiting at the labs (the first such month), or none when none waited. */
function labPeak(rows: readonly MonthFigures[]): { month: string; units: number } | undefined {
  let peak: MonthFigures | undefined;
  for (const row of rows) if (row.labWaitingUnits > (peak?.labWaitingUnits ?? 0)) peak = row;
  return peak && { month: peak.month, units: peak.labWaitingUnits };
}

const allMonths = (() => {
  const months: string[] = [];
  for (let y = 2026; y <= 2027; y++)
    for (let m = 1; m <= 12; m++) months.push(`${y}-${String(m).padStart(2, "0")}`);
  return months;
})();

function Charts({ report, setId }: { report: SimulationReport; setId: string }) {
  const lines = useMemo(() => {
    const rows = report.series.filter((m) => m.rulebookSet === setId);
    const of = (pick: (m: MonthFigures) => number | null) => rows.map(pick);
    const volume: Line[] = [
      { label: "China (pending + posted)", stroke: "#b3261e", values: of((m) => m.chinaUnits) },
      { label: "ratio × US (cap)", stroke: "#555", values: of((m) => m.capUnits), dash: [6, 4] },
    ];
    const decided: Line[] = [
      { label: "approved", stroke: "#1b7a3a", values: of((m) => m.approvedUnits) },
      { label: "held", stroke: "#d9822b", values: of((m) => m.heldUnits) },
      { label: "denied", stroke: "#b3261e", values: of((m) => m.deniedUnits) },
    ];
    const duty: Line[] = [
      { label: "§232 duty ($)", stroke: "#1f5fa8", values: of((m) => Number(BigInt(m.dutyCents) / 100n)) },
    ];
    const labs: Line[] = [
      { label: "waiting at the labs", stroke: "#6b3fa0", values: of((m) => m.labWaitingUnits) },
    ];
    return { volume, decided, duty, labs, labPeak: labPeak(rows) };
  }, [report, setId]);
  const title = report.rulebookSets.find((s) => s.id === setId)?.title ?? setId;
  return (
    <>
      <Card title={`China volume against the cap: ${title}`} wide>
        <SeriesChart
          months={report.months}
          lines={lines.volume}
          label={`China volume and ratio × US by month, ${title}`}
        />
      </Card>
      <Card title="Approved, held and denied units">
        <SeriesChart
          months={report.months}
          lines={lines.decided}
          label={`units decided by month, ${title}`}
        />
      </Card>
      <Card title="Duty collected">
        <SeriesChart months={report.months} lines={lines.duty} label={`§232 duty by month, ${title}`} />
      </Card>
      <Card title="Units waiting at the labs">
        <SeriesChart
          months={report.months}
          lines={lines.labs}
          label={`units at the labs at month end, ${title}`}
        />
        <p class="small muted" data-testid="lab-peak">
          {lines.labPeak
            ? `Most waiting: ${units(lines.labPeak.units)} units at the end of ${lines.labPeak.month}`
            : "No units waited at the labs"}
        </p>
      </Card>
    </>
  );
}

function Comparison({ report }: { report: SimulationReport }) {
  return (
    <Card title="Comparison over the horizon" wide>
      <table class="list" aria-label="comparison">
        <thead>
          <tr>
            <th scope="col">Rulebook set</th>
            <th scope="col" class="num">
              Approved
            </th>
            <th scope="col" class="num">
              Denied
            </th>
            <th scope="col" class="num">
              Held
            </th>
            <th scope="col" class="num">
              End backlog
            </th>
            <th scope="col" class="num">
              §232 duty
            </th>
            <th scope="col" class="num">
              Revenue share
            </th>
            <th scope="col" class="num">
              Domestic bought
            </th>
            <th scope="col">Top reason</th>
          </tr>
        </thead>
        <tbody>
          {report.totals.map((t) => (
            <tr key={t.rulebookSet} data-set={t.rulebookSet}>
              <th scope="row" title={t.title}>
                {t.rulebookSet}
              </th>
              <td class="num" data-testid={`approved-${t.rulebookSet}`}>
                {units(t.approvedUnits)}
              </td>
              <td class="num">{units(t.deniedUnits)}</td>
              <td class="num">{units(t.heldUnits)}</td>
              <td class="num">{units(t.endBacklogUnits)}</td>
              <td class="num">{dollars(t.dutyCents)}</td>
              <td class="num">{dollars(t.revenueShareCents)}</td>
              <td class="num">{units(t.domesticBoughtUnits)}</td>
              <td>
                <code>{t.topReason ?? "—"}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="small muted">
        Held and denied count a lot again each month it is refused (flows); the backlog is a stock.
      </p>
    </Card>
  );
}

export function Simulator({ api }: { api: Api }) {
  const sets = shippedScenario.rulebooks;
  const [to, setTo] = useState<string>(shippedScenario.horizon.to);
  const [seed, setSeed] = useState<number>(shippedScenario.seed);
  const [chosen, setChosen] = useState<readonly string[]>(sets.map((s) => s.id));
  const [report, setReport] = useState<SimulationReport | undefined>(undefined);
  const [shown, setShown] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const scenario = {
        ...shippedScenario,
        seed,
        horizon: { ...shippedScenario.horizon, to },
        rulebooks: sets.filter((s) => chosen.includes(s.id)),
      };
      const answer = await api.post<SimulationReport>("/v1/simulations", { scenario });
      setReport(answer);
      setShown(answer.rulebookSets[0]?.id);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setRunning(false);
    }
  };
  return (
    <div class="grid">
      <Card title="Scenario" wide>
        <form
          class="sim-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run();
          }}
        >
          <p>
            <strong>{shippedScenario.title}</strong>{" "}
            <span class="muted">(scenarios/{shippedScenario.id}.yaml)</span>
          </p>
          <label>
            Horizon to{" "}
            <select value={to} onChange={(e) => setTo(e.currentTarget.value)}>
              {allMonths.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Seed <input type="number" value={seed} onInput={(e) => setSeed(Number(e.currentTarget.value))} />
          </label>
          <fieldset class="sets">
            <legend>Rulebook sets</legend>
            {sets.map((s) => (
              <label key={s.id} title={s.title}>
                <input
                  type="checkbox"
                  checked={chosen.includes(s.id)}
                  onChange={(e) =>
                    setChosen(
                      e.currentTarget.checked ? [...chosen, s.id] : chosen.filter((id) => id !== s.id),
                    )
                  }
                />{" "}
                {s.title}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={running || chosen.length === 0}>
            {running ? "Running…" : "Run"}
          </button>
        </form>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </Card>
      {report && (
        <>
          <Card title="Rulebook set shown" wide>
            <fieldset class="chips">
              <legend>Set</legend>
              {report.rulebookSets.map((s) => (
                <button key={s.id} type="button" aria-pressed={s.id === shown} onClick={() => setShown(s.id)}>
                  {s.id}
                </button>
              ))}
            </fieldset>
            <p class="small muted" data-testid="sim-summary">
              {report.scenario.title}, seed {report.scenario.seed}: {report.months.length} months ×{" "}
              {report.rulebookSets.length} rulebook sets
            </p>
          </Card>
          {shown && <Charts report={report} setId={shown} />}
          <Comparison report={report} />
        </>
      )}
    </div>
  );
}
