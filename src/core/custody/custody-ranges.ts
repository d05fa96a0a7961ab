// Custody state by range: a lot's chips as an interval map (prefix, first..last → state, site), so
// that registering a lot and recording an event over a range cost O(ranges), not O(chips). A range
// is split only where an event covers part of it, and neighbours that end up alike are merged again.
// Pure: the store reads the stored ranges that meet a request and writes back what this returns.
// The states are the one state machine's (custody-events.ts), which decides the event beforehand.
import type { CustodyState } from "./custody-events.ts";

/** Serial numbers `first..last` (inclusive) under one prefix. */
export interface NumberSpan {
  prefix: string;
  first: number;
  last: number;
}

/** A stretch of one lot's chips that share their custody state and site. */
export interface CustodySpan<S extends CustodyState = CustodyState> extends NumberSpan {
  state: S;
  siteId: string | null;
}

const byPrefixThenFirst = (a: NumberSpan, b: NumberSpan): number =>
  (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0) || a.first - b.first;

/** The union of spans, sorted and merged (overlapping or touching spans become one). */
export function unionSpans(spans: readonly NumberSpan[]): NumberSpan[] {
  const merged: NumberSpan[] = [];
  for (const span of [...spans].sort(byPrefixThenFirst)) {
    const last = merged[merged.length - 1];
    if (last && last.prefix === span.prefix && span.first <= last.last + 1)
      last.last = Math.max(last.last, span.last);
    else merged.push({ prefix: span.prefix, first: span.first, last: span.last });
  }
  return merged;
}

/** The part of `stored` inside `cover`, or null when they do not meet. */
function intersect<S extends CustodyState>(stored: CustodySpan<S>, cover: NumberSpan): CustodySpan<S> | null {
  if (stored.prefix !== cover.prefix) return null;
  const first = Math.max(stored.first, cover.first);
  const last = Math.min(stored.last, cover.last);
  return first <= last ? { ...stored, first, last } : null;
}

/**
 * What a request covers among the stored spans: how many registered chips, how many in each state,
 * and the sites they are at (one entry per distinct state and site, as a GROUP BY would give).
 */
export function coveredCustody<S extends CustodyState>(
  stored: readonly CustodySpan<S>[],
  request: readonly NumberSpan[],
): { registered: number; states: Partial<Record<S, number>>; siteIds: (string | null)[] } {
  const states: Partial<Record<S, number>> = {};
  const groups = new Map<string, string | null>();
  let registered = 0;
  for (const cover of unionSpans(request))
    for (const span of stored) {
      const part = intersect(span, cover);
      if (!part) continue;
      const n = part.last - part.first + 1;
      registered += n;
      states[part.state] = (states[part.state] ?? 0) + n;
      groups.set(`${part.state}\u0000${part.siteId ?? ""}`, part.siteId);
    }
  return { registered, states, siteIds: [...groups.values()] };
}

const alike = (a: CustodySpan, b: CustodySpan): boolean =>
  a.prefix === b.prefix && a.last + 1 === b.first && a.state === b.state && a.siteId === b.siteId;

/**
 * The stored spans after an event: the covered chips take the new state (and the new site, when the
 * event names one; otherwise they keep theirs); uncovered parts keep theirs; alike neighbours merge.
 * `stored` is every span of the lot that meets or touches the request; the result replaces them.
 */
export function applyCustody<S extends CustodyState>(
  stored: readonly CustodySpan<S>[],
  request: readonly NumberSpan[],
  to: { state: S; siteId: string | null },
): CustodySpan<S>[] {
  const covers = unionSpans(request);
  const pieces: CustodySpan<S>[] = [];
  for (const span of [...stored].sort(byPrefixThenFirst)) {
    let next = span.first;
    for (const cover of covers) {
      const part = intersect(span, cover);
      if (!part) continue;
      if (next < part.first) pieces.push({ ...span, first: next, last: part.first - 1 });
      pieces.push({ ...part, state: to.state, siteId: to.siteId ?? span.siteId });
      next = part.last + 1;
    }
    if (next <= span.last) pieces.push({ ...span, first: next });
  }
  const merged: CustodySpan<S>[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last && alike(last, piece)) last.last = piece.last;
    else merged.push({ ...piece });
  }
  return merged;
}
