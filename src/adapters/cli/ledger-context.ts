// What the store and ledger commands share (each command gets its feature's port on the configured
// store from the CLI's wiring, src/adapters/cli/wiring.ts): the clock (SLUICE_NOW pins it, for
// scripts and tests), the cap policy in force (--policy <file>, else the ratio-cap rule of the rulebooks in
// force on the clock's day: one source for the cap, see core/ledger/cap-in-force.ts), products
// from the catalog, and the printing of ledger outcomes (each refusal's kind from
// core/ledger/refusals.ts, its exit code from core/errors.ts).
import type { Catalog } from "../../app/evaluation/catalog.ts";
import type { Clock } from "../../app/ports.ts";
import { computeTpp } from "../../core/classification/classify.ts";
import { badInput, exitCodeByKind, quote, SluiceError } from "../../core/errors.ts";
import { capPolicyInForceOn } from "../../core/ledger/cap-in-force.ts";
import { type CapPolicy, capPolicySchema, dayOf } from "../../core/ledger/cap-policy.ts";
import { errorKindByLedgerRefusal, isLedgerSuccess, type LedgerStatus } from "../../core/ledger/refusals.ts";
import { printJson, readJsonInput } from "./io.ts";
import { cliCatalog, cliRulebooks } from "./reference.ts";

export function cliClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.SLUICE_NOW;
  if (!pinned) return () => new Date();
  const instant = new Date(pinned);
  if (Number.isNaN(instant.getTime()))
    throw badInput(`SLUICE_NOW ${quote(pinned)}`, "not an ISO 8601 instant");
  return () => instant;
}

/** The cap of the rulebooks in force on the clock's day; a refusal when no cap rule is in force. */
export function capPolicyToday(clock: Clock = cliClock()): CapPolicy {
  const day = dayOf(clock());
  const policy = capPolicyInForceOn(cliRulebooks(), day);
  if (!policy) throw badInput(`day ${quote(day)}`, "no ratio-cap rule is in force; pass --policy <file>");
  return policy;
}

export function loadPolicy(file: string | undefined): CapPolicy {
  if (!file) return capPolicyToday();
  const parsed = capPolicySchema.safeParse(readJsonInput(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(
      `policy ${quote(file)}`,
      `${issue?.path.join(".") || "policy"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

/** A catalog's products and their TPP per unit (for the TPP measure), each computed once. */
export type ProductTpp = (productId: string) => { tppPerUnit: number } | undefined;

/** The products of `catalog` (the CLI's own by default) with their TPP per unit. */
export function catalogProducts(catalog: Catalog = cliCatalog()): ProductTpp {
  const known = new Map<string, { tppPerUnit: number } | undefined>();
  return (productId) => {
    if (!known.has(productId)) {
      const product = catalog.get(productId);
      known.set(productId, product && { tppPerUnit: computeTpp(product.spec.denseTops).tpp });
    }
    return known.get(productId);
  };
}

export function requireProduct(productId: string): { tppPerUnit: number } {
  const product = catalogProducts()(productId);
  if (!product) throw new SluiceError("not_found", `product ${quote(productId)}`, "unknown product");
  return product;
}

/**
 * Prints a ledger outcome. `ok` and `exists` succeed; other statuses are printed as JSON with
 * --json (with the exit code of their kind) or raised as a one-line error.
 */
export function reportOutcome(
  what: string,
  result: { status: LedgerStatus } & object,
  json: boolean | undefined,
): number {
  const { status } = result;
  if (json) {
    printJson(result);
    return isLedgerSuccess(status) ? 0 : exitCodeByKind[errorKindByLedgerRefusal[status]];
  }
  if (!isLedgerSuccess(status))
    throw new SluiceError(
      errorKindByLedgerRefusal[status],
      what,
      result.status.replaceAll("_", " "),
      result.status,
    );
  const details = Object.entries(result)
    .filter(
      ([key, value]) =>
        key !== "status" && value !== undefined && !(Array.isArray(value) && value.length === 0),
    )
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.length : String(value)}`);
  process.stdout.write(`${what}: ${result.status}${details.length > 0 ? ` (${details.join(", ")})` : ""}\n`);
  return 0;
}
