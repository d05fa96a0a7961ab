// A cap gauge: a half circle filled with China's posted and pending units against the cap
// (ratio × US posted), ticks at the alert levels, and the figures as text (the gauge is a
// picture of the numbers, never their only carrier: screen readers and tests read the text).

import { units } from "../lib/format.ts";
import { alertLevelsPercent, type CapUse } from "../lib/thresholds.ts";

const radius = 80;
const center = { x: 100, y: 95 };

/** The point at `fraction` (0..1) along the half circle, left to right. */
function at(fraction: number, r = radius): [number, number] {
  const angle = Math.PI * (1 - Math.min(Math.max(fraction, 0), 1));
  return [center.x + r * Math.cos(angle), center.y - r * Math.sin(angle)];
}

function arc(from: number, to: number): string {
  const [x1, y1] = at(from);
  const [x2, y2] = at(to);
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${radius} ${radius} 0 0 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

const fraction = (part: bigint, whole: bigint): number =>
  whole > 0n ? Number((part * 10_000n) / whole) / 10_000 : part > 0n ? 1 : 0;

export function Gauge({ use, id }: { use: CapUse; id: string }) {
  const posted = fraction(use.postedUnits, use.capUnits);
  const used = fraction(use.usedUnits, use.capUnits);
  const percent = use.usedBasisPoints === null ? "—" : `${(use.usedBasisPoints / 100).toFixed(1)} %`;
  return (
    <figure class="gauge" data-account={id}>
      <svg viewBox="0 0 200 110" role="img" aria-label={`cap used ${percent}`}>
        <path d={arc(0, 1)} class="gauge-track" />
        {used > 0 && <path d={arc(0, used)} class="gauge-pending" />}
        {posted > 0 && <path d={arc(0, posted)} class="gauge-posted" />}
        {alertLevelsPercent.map((level) => {
          const [x1, y1] = at(level / 100, radius - 14);
          const [x2, y2] = at(level / 100, radius + 14);
          return <line key={level} x1={x1} y1={y1} x2={x2} y2={y2} class="gauge-tick" />;
        })}
        <text x={center.x} y={center.y - 10} class="gauge-percent" text-anchor="middle">
          {percent}
        </text>
      </svg>
      <figcaption>
        <dl class="figures">
          <dt>China posted</dt>
          <dd data-testid="cn-posted">{units(use.postedUnits)}</dd>
          <dt>China pending</dt>
          <dd data-testid="cn-pending">{units(use.pendingUnits)}</dd>
          <dt>Cap</dt>
          <dd data-testid="cap">{units(use.capUnits)}</dd>
          <dt>Headroom</dt>
          <dd data-testid="headroom">{units(use.headroomUnits)}</dd>
        </dl>
      </figcaption>
    </figure>
  );
}
