// A monthly line chart (uPlot): one x value per month (`2026-01`, at UTC midnight of its first day)
// and any number of named series; a null value leaves a gap. Used by the simulator page.
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

/** Axis figures in short form (250K, 1.5M, 3B): the legend and the table give the exact ones. */
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

export interface Line {
  label: string;
  stroke: string;
  values: readonly (number | null)[];
  dash?: number[];
}

export function SeriesChart({
  months,
  lines,
  label,
}: {
  months: readonly string[];
  lines: readonly Line[];
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || months.length === 0) return;
    const x = months.map((m) => Date.parse(`${m}-01T00:00:00Z`) / 1000);
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 220,
        series: [
          {},
          ...lines.map((line) => ({
            label: line.label,
            stroke: line.stroke,
            width: 2,
            ...(line.dash ? { dash: line.dash } : {}),
          })),
        ],
        axes: [{}, { size: 64, values: (_u: uPlot, ticks: number[]) => ticks.map((t) => compact.format(t)) }],
      },
      [x, ...lines.map((line) => [...line.values])] as uPlot.AlignedData,
      element,
    );
    return () => chart.destroy();
  }, [months, lines]);
  return <div ref={host} class="chart" role="img" aria-label={label} />;
}
