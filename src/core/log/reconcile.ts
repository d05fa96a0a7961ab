// The tables answer to the log (issue #15 item 6): a pure replay of the log's entries into what the
// ledger's accounts, the reservations and the shipments' states must be, and the comparison of that
// with what the tables hold, naming every difference (table, key, column, expected, actual).
// Assumes entries in index order (pending ones after, in write order) and payloads as the writers
// in src/adapters/db/ledger and src/app/shipments.ts append them (amounts as decimal strings).
// docs/log.md says what each entry kind contributes. Entries of other kinds change none of these.
// A reversal of an evidence record (issue #13: `payment.reversed` …) replays as that row reversed.
import { reversalTables, reversedKindOf } from "../evidence/reversals.ts";

export interface ReplayEntry {
  /** The entry's 0-based log index, or undefined for one written but not yet integrated. */
  index: number | undefined;
  kind: string;
  payload: unknown;
}

export interface AccountBalances {
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
}

/** What the tables hold (or what the log says they must hold): keyed by id. */
export interface LedgerState {
  accounts: Map<string, AccountBalances>;
  reservations: Map<string, { state: string; amount: bigint }>;
  shipments: Map<string, { status: string }>;
  /** Evidence records reversed by their author, as `<table> <id>` (absent: not compared). */
  reversed?: Set<string>;
}

export const reconcileTables = [
  "ledger_accounts",
  "ledger_reservations",
  "shipments",
  "audit_log",
  ...Object.values(reversalTables),
] as const;
export type ReconcileTable = (typeof reconcileTables)[number];

/**
 * One difference. `expected` is what the log says, `actual` what the table holds; `null` means no
 * row. Table `audit_log` names an entry replay could not apply (key: its index or `pending`).
 */
export interface Difference {
  table: ReconcileTable;
  key: string;
  column: string;
  expected: string | null;
  actual: string | null;
}

export interface Replayed {
  state: LedgerState;
  /** Entries that do not carry what replay needs, or contradict the entries before them. */
  problems: Difference[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An integer amount written as a decimal string (or a safe integer). */
function amountOf(v: unknown): bigint | undefined {
  if (typeof v === "string" && /^-?\d{1,30}$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

const stringsOf = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;

const zero = (): AccountBalances => ({ usPosted: 0n, cnPending: 0n, cnPosted: 0n });

const emptyState = (): LedgerState => ({
  accounts: new Map(),
  reservations: new Map(),
  shipments: new Map(),
  reversed: new Set(),
});

/** Replays the entries in order. Never throws on bad payloads: they become problems. */
export function replayLog(entries: Iterable<ReplayEntry>): Replayed {
  const state = emptyState();
  const problems: Difference[] = [];
  const known: Known = { postings: new Map(), reservations: new Map() };
  const move = (ids: readonly string[], delta: Partial<AccountBalances>) => {
    for (const id of ids) {
      const account = state.accounts.get(id) ?? zero();
      account.usPosted += delta.usPosted ?? 0n;
      account.cnPending += delta.cnPending ?? 0n;
      account.cnPosted += delta.cnPosted ?? 0n;
      state.accounts.set(id, account);
    }
  };
  for (const entry of entries) {
    const why = applyEntry(entry, state, known, move);
    if (why !== undefined) {
      problems.push({
        table: "audit_log",
        key: entry.index === undefined ? "pending" : String(entry.index),
        column: entry.kind,
        expected: why,
        actual: JSON.stringify(entry.payload) ?? null,
      });
    }
  }
  return { state, problems };
}

type Move = (ids: readonly string[], delta: Partial<AccountBalances>) => void;

/** The accounts of what was replayed so far (kept out of the compared state). */
interface Known {
  /** US postings, for reversals written before they named their accounts. */
  postings: Map<string, string[]>;
  reservations: Map<string, string[]>;
}

/** Applies one entry; returns why it could not be applied, or undefined. */
function applyEntry(entry: ReplayEntry, state: LedgerState, known: Known, move: Move): string | undefined {
  const p = entry.payload;
  if (!isRecord(p)) return entry.kind.startsWith("ledger.") ? "a payload object" : undefined;
  switch (entry.kind) {
    case "ledger.reserve":
      return reserve(p, state, known, move);
    case "ledger.post":
    case "ledger.void":
    case "ledger.expire":
      return settle(entry.kind, p, state, known, move);
    case "ledger.us_post": {
      const amount = amountOf(p.amount);
      const ids = stringsOf(p.accountIds);
      if (typeof p.id !== "string" || amount === undefined || !ids) return "id, amount and accountIds";
      known.postings.set(p.id, ids);
      move(ids, { usPosted: amount });
      return undefined;
    }
    case "ledger.us_reverse": {
      const amount = amountOf(p.amount);
      const ids = stringsOf(p.accountIds) ?? known.postings.get(String(p.postingId));
      if (amount === undefined || !ids) return "amount and accountIds (or a replayed posting)";
      move(ids, { usPosted: -amount });
      return undefined;
    }
    case "ledger.us_post_batch":
      return usPostBatch(p, move);
    default:
      return reversedKindOf(entry.kind)
        ? reversalEntry(entry.kind, p, state)
        : shipmentEntry(entry.kind, p, state);
  }
}

function reserve(
  p: Record<string, unknown>,
  state: LedgerState,
  known: Known,
  move: Move,
): string | undefined {
  const amount = amountOf(p.amount);
  const ids = stringsOf(p.accountIds);
  if (typeof p.id !== "string" || amount === undefined || !ids) return "id, amount and accountIds";
  if (state.reservations.has(p.id)) return `reservation ${p.id} reserved once`;
  state.reservations.set(p.id, { state: "pending", amount });
  known.reservations.set(p.id, ids);
  move(ids, { cnPending: amount });
  return undefined;
}

const settledState: Record<string, string> = {
  "ledger.post": "posted",
  "ledger.void": "voided",
  "ledger.expire": "expired",
};

function settle(
  kind: string,
  p: Record<string, unknown>,
  state: LedgerState,
  known: Known,
  move: Move,
): string | undefined {
  if (typeof p.id !== "string") return "id";
  const reservation = state.reservations.get(p.id);
  const ids = known.reservations.get(p.id);
  if (!reservation || !ids) return `a ledger.reserve of ${p.id} before it`;
  if (reservation.state !== "pending") return `reservation ${p.id} pending (it is ${reservation.state})`;
  reservation.state = settledState[kind] ?? reservation.state;
  move(ids, {
    cnPending: -reservation.amount,
    cnPosted: kind === "ledger.post" ? reservation.amount : 0n,
  });
  return undefined;
}

function usPostBatch(p: Record<string, unknown>, move: Move): string | undefined {
  const amounts = p.accountAmounts;
  if (!isRecord(amounts)) return "accountAmounts (per-account amounts of the batch)";
  for (const [id, value] of Object.entries(amounts)) {
    const amount = amountOf(value);
    if (amount === undefined) return `an amount for account ${id}`;
    move([id], { usPosted: amount });
  }
  return undefined;
}

/** Shipment entries: planned creates the row, released and the other moves set its status. */
function shipmentEntry(kind: string, p: Record<string, unknown>, state: LedgerState): string | undefined {
  if (!kind.startsWith("shipment.") || kind === "shipment.evidence") return undefined;
  if (kind === "shipment.planned") {
    if (typeof p.id !== "string") return "id";
    state.shipments.set(p.id, { status: "planned" });
    return undefined;
  }
  if (typeof p.shipmentId !== "string") return "shipmentId";
  const to = kind === "shipment.released" ? "released" : p.to;
  if (typeof to !== "string") return "to (the status it moved to)";
  if (!state.shipments.has(p.shipmentId)) return `a shipment.planned of ${p.shipmentId} before it`;
  state.shipments.set(p.shipmentId, { status: to });
  return undefined;
}

/** A reversal entry: its record turns reversed, once. */
function reversalEntry(kind: string, p: Record<string, unknown>, state: LedgerState): string | undefined {
  const reversed = reversedKindOf(kind);
  if (!reversed || typeof p.id !== "string") return "id";
  const key = `${reversalTables[reversed]} ${p.id}`;
  if (state.reversed?.has(key)) return `${key} reversed once`;
  state.reversed?.add(key);
  return undefined;
}

/** Rows reversed in one state and not in the other, as differences of column `reversed_at`. */
function reversalDifferences(expected: LedgerState, actual: LedgerState): Difference[] {
  if (!expected.reversed || !actual.reversed) return [];
  const keys = [...new Set([...expected.reversed, ...actual.reversed])].sort();
  return keys
    .filter((key) => expected.reversed?.has(key) !== actual.reversed?.has(key))
    .map((key) => {
      const [table, ...id] = key.split(" ");
      return {
        table: table as ReconcileTable,
        key: id.join(" "),
        column: "reversed_at",
        expected: expected.reversed?.has(key) ? "reversed" : null,
        actual: actual.reversed?.has(key) ? "reversed" : null,
      };
    });
}

const text = (v: bigint | string | undefined): string | null => (v === undefined ? null : String(v));

/** Every difference between what the log says (`expected`) and the tables (`actual`), sorted. */
export function compareState(expected: LedgerState, actual: LedgerState): Difference[] {
  const out: Difference[] = [];
  const columns = [
    ["us_posted", "usPosted"],
    ["cn_pending", "cnPending"],
    ["cn_posted", "cnPosted"],
  ] as const;
  for (const id of union(expected.accounts, actual.accounts)) {
    // An account row with nothing on it is what the log implies for an account it never moved.
    const e = expected.accounts.get(id) ?? zero();
    const a = actual.accounts.get(id);
    if (!a) {
      out.push({ table: "ledger_accounts", key: id, column: "id", expected: id, actual: null });
      continue;
    }
    for (const [column, field] of columns) {
      if (e[field] !== a[field])
        out.push({
          table: "ledger_accounts",
          key: id,
          column,
          expected: text(e[field]),
          actual: text(a[field]),
        });
    }
  }
  for (const id of union(expected.reservations, actual.reservations)) {
    const e = expected.reservations.get(id);
    const a = actual.reservations.get(id);
    if (!e || !a) {
      out.push({
        table: "ledger_reservations",
        key: id,
        column: "id",
        expected: e ? id : null,
        actual: a ? id : null,
      });
      continue;
    }
    if (e.state !== a.state)
      out.push({
        table: "ledger_reservations",
        key: id,
        column: "state",
        expected: e.state,
        actual: a.state,
      });
    if (e.amount !== a.amount)
      out.push({
        table: "ledger_reservations",
        key: id,
        column: "amount",
        expected: text(e.amount),
        actual: text(a.amount),
      });
  }
  for (const id of union(expected.shipments, actual.shipments)) {
    const e = expected.shipments.get(id);
    const a = actual.shipments.get(id);
    if (!e || !a) {
      out.push({ table: "shipments", key: id, column: "id", expected: e ? id : null, actual: a ? id : null });
      continue;
    }
    if (e.status !== a.status)
      out.push({ table: "shipments", key: id, column: "status", expected: e.status, actual: a.status });
  }
  out.push(...reversalDifferences(expected, actual));
  return out;
}

/** The ids of both maps, each once, in code-point order (the report is stable). */
function union(a: Map<string, unknown>, b: Map<string, unknown>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

export interface ReconcileReport {
  ok: boolean;
  entries: number;
  counts: { accounts: number; reservations: number; shipments: number };
  differences: Difference[];
}

/** Replay and compare: the whole reconcile, pure. */
export function reconcile(entries: readonly ReplayEntry[], tables: LedgerState): ReconcileReport {
  const { state, problems } = replayLog(entries);
  const differences = [...problems, ...compareState(state, tables)];
  return {
    ok: differences.length === 0,
    entries: entries.length,
    counts: {
      accounts: tables.accounts.size,
      reservations: tables.reservations.size,
      shipments: tables.shipments.size,
    },
    differences,
  };
}
