// Small pieces every page uses: loading a value (with its error shown in the server's words),
// status badges whose colour and text come from one table, and a fact-status badge.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/client.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; keeps the last value while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(messageOf(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload };
}

export const messageOf = (failure: unknown): string =>
  failure instanceof ApiError
    ? `${failure.problem.title}: ${failure.problem.detail}`
    : failure instanceof Error
      ? failure.message
      : String(failure);

export function Show<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.error)
    return (
      <p class="error" role="alert">
        {loaded.error}
      </p>
    );
  if (loaded.data === undefined)
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  return <>{children(loaded.data)}</>;
}

/** Tones of every status value the pages show; an unknown value is neutral. */
const tones: Record<string, "good" | "warn" | "bad" | "neutral"> = {
  approve: "good",
  pass: "good",
  passed: "good",
  clear: "good",
  licensed: "good",
  approved: "good",
  shipped: "good",
  released: "good",
  active: "good",
  included: "good",
  verified: "good",
  hold: "warn",
  pending: "warn",
  held: "warn",
  open_alert: "warn",
  planned: "neutral",
  created: "neutral",
  waiting: "neutral",
  untracked: "neutral",
  hidden: "neutral",
  not_applicable: "neutral",
  deny: "bad",
  fail: "bad",
  failed: "bad",
  denied: "bad",
  true_match: "bad",
  cancelled: "bad",
  expired: "bad",
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span class={`badge ${tones[value] ?? "neutral"}`}>{label ?? value.replaceAll("_", " ")}</span>;
}

const factNames: Record<string, string> = {
  P: "primary source",
  S: "secondary source",
  U: "unverified",
  D: "disputed",
};

/** A fact's status as the rulebooks mark it: [P] primary, [S] secondary, [U] unverified, [D] disputed. */
export function FactBadge({ status }: { status: string }) {
  return (
    <abbr class={`fact fact-${status}`} title={factNames[status] ?? status}>
      [{status}]
    </abbr>
  );
}

export function Card({
  title,
  children,
  wide,
}: {
  title: string;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <section class={wide ? "card wide" : "card"} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
