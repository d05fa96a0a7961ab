// CLI: `sluice quota`, the volume cap per account in a window (US end use, China pending and
// posted, headroom, blocked), on the local store or through a server (GET /v1/quota, whose amounts
// are decimal strings). Registered by the ledger commands (ledger.ts), in the order of their help.
import type { Command } from "commander";
import { badInput } from "../../../core/errors.ts";
import { accountIdsFor, type CapPolicy, dayOf } from "../../../core/ledger/cap-policy.ts";
import { printJson } from "../io.ts";
import { cliClock, loadPolicy } from "../ledger-context.ts";
import { type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

interface QuotaRow {
  account: string;
  ratioPercent: number;
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
  headroom: bigint;
  blocked: boolean;
}

/** The window part of the account for `day` (e.g. `quarter:2026-Q1`). */
function windowKeyFor(policy: CapPolicy, day: string): string | undefined {
  const first = accountIdsFor(policy, "x", day)?.[0];
  return first?.slice(first.lastIndexOf("/") + 1);
}

interface QuotaOptions {
  policy?: string;
  product?: string;
  window?: string;
  json?: boolean;
}
type AccountFigures = Omit<QuotaRow, "account" | "headroom"> & { id: string };

/** The policy, the window and the account id prefix the quota command looks at. */
function quotaQuery(o: QuotaOptions) {
  const policy = loadPolicy(o.policy);
  const window = o.window ?? windowKeyFor(policy, dayOf(cliClock()()));
  if (!window) throw badInput("quota", "today is before the cap's window");
  const scope = policy.scope === "all" ? "all" : o.product ? `product:${o.product}` : "product:";
  return { policy, window, prefix: `${policy.measure}/${scope}` };
}

function reportQuota(o: QuotaOptions, policy: CapPolicy, window: string, accounts: AccountFigures[]): number {
  const rows: QuotaRow[] = accounts
    .filter((a) => a.id.endsWith(`/${window}`))
    .map((a) => {
      const cap = (BigInt(a.ratioPercent) * a.usPosted) / 100n;
      const used = a.cnPending + a.cnPosted;
      return {
        account: a.id,
        ratioPercent: a.ratioPercent,
        usPosted: a.usPosted,
        cnPending: a.cnPending,
        cnPosted: a.cnPosted,
        headroom: a.blocked || cap < used ? 0n : cap - used,
        blocked: a.blocked,
      };
    });
  if (o.json) printJson({ policy, window, accounts: rows });
  else process.stdout.write(formatQuota(policy, window, rows));
  return 0;
}

/** The accounts through --server: GET /v1/quota answers amounts as decimal strings. */
async function remoteAccounts(remote: Remote, prefix: string): Promise<AccountFigures[]> {
  const items = (await remote.list("/v1/quota", { limit: Number.MAX_SAFE_INTEGER, query: { prefix } })) as {
    id: string;
    ratioPercent: number;
    usPosted: string;
    cnPending: string;
    cnPosted: string;
    blocked: boolean;
  }[];
  return items.map((a) => ({
    id: a.id,
    ratioPercent: a.ratioPercent,
    usPosted: BigInt(a.usPosted),
    cnPending: BigInt(a.cnPending),
    cnPosted: BigInt(a.cnPosted),
    blocked: a.blocked,
  }));
}

export function registerQuota(program: Command, wiring: CliWiring): void {
  serve(
    program
      .command("quota")
      .description("US volume, China pending and posted, headroom and ratio per account")
      .option("--product <id>", "one product (scope per product)")
      .option("--window <key>", "a window, e.g. `quarter:2026-Q1` (default: the current one)")
      .option("--policy <file>", "cap policy JSON")
      .option("--json", "print JSON"),
    async (o: QuotaOptions) => {
      const { policy, window, prefix } = quotaQuery(o);
      return wiring.withLedger(cliClock(), async (ledger) =>
        reportQuota(o, policy, window, await ledger.accounts(prefix)),
      );
    },
    async (remote, o) => {
      const { policy, window, prefix } = quotaQuery(o);
      return reportQuota(o, policy, window, await remoteAccounts(remote, prefix));
    },
  );
}

function formatQuota(policy: CapPolicy, window: string, rows: QuotaRow[]): string {
  const head = `cap ${policy.ratioPercent} % of US end use, measure ${policy.measure}, scope ${policy.scope}, window ${window}`;
  if (rows.length === 0) return `${head}\nno accounts yet (no US end-use shipments recorded)\n`;
  const header = ["account", "us_posted", "cn_pending", "cn_posted", "headroom", "state"];
  const lines = rows.map((r) => [
    r.account,
    String(r.usPosted),
    String(r.cnPending),
    String(r.cnPosted),
    String(r.headroom),
    r.blocked ? "BLOCKED" : "open",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [head, format(header), ...lines.map(format)].join("\n") + "\n";
}
