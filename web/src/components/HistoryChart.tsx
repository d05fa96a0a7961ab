// US and China volumes by day (uPlot): US posted, China posted, China posted + pending, and the cap
// (ratio × US posted) as a dashed line. Days are UTC midnights; values are units.
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface HistoryDay {
  day: string;
  usPosted: string;
  cnPending: string;
  cnPosted: string;
}

export function HistoryChart({ days, ratioPercent }: { days: readonly HistoryDay[]; ratioPercent: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || days.length === 0) return;
    const x = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const us = days.map((d) => Number(d.usPosted));
    const posted = days.map((d) => Number(d.cnPosted));
    const used = days.map((d) => Number(d.cnPosted) + Number(d.cnPending));
    const cap = us.map((value) => (value * ratioPercent) / 100);
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 240,
        series: [
          {},
          { label: "US posted", stroke: "#1f5fa8", width: 2 },
          { label: "China posted", stroke: "#b3261e", width: 2 },
          { label: "China posted + pending", stroke: "#d9822b", width: 2 },
          { label: `cap (${ratioPercent} % of US)`, stroke: "#555", dash: [6, 4], width: 1 },
        ],
        axes: [{}, { size: 70 }],
      },
      [x, us, posted, used, cap],
      element,
    );
    return () => chart.destroy();
  }, [days, ratioPercent]);
  if (days.length === 0) return <p class="muted">No ledger movements yet.</p>;
  return <div ref={host} class="chart" role="img" aria-label="US and China volumes by day" />;
}
