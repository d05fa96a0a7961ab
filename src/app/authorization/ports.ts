// Authorization's ports (issue #13, #14): API tokens as the HTTP and CLI adapters use them (create,
// list, read, relabel, revoke, and the principal a presented secret stands for), and the parties an
// order links, for object-level checks on writes that name their object in the body. The SQL is in
// src/adapters/db/tokens.ts and src/adapters/db/ownership.ts; src/compose.ts wires them.
import type { AuditActor } from "../../core/audit/actor.ts";
import type { Principal, Resource } from "../../core/authorization/policy.ts";
import type { WriteTransaction } from "../idempotency/ports.ts";
import type { TokenInput, TokenRecord } from "./tokens.ts";

/** Where token ids and secrets come from (tests pin them). */
export interface TokenFactory {
  newId(): string;
  newSecret(): string;
}

export interface TokenPage {
  limit: number;
  /** Return tokens with ids after this one (ids are UUIDv7: creation order). */
  after?: string | undefined;
}

/**
 * API tokens in the store. Every change is one transaction with its audit entry, attributed to
 * `actor` (default: the system, for the demo tokens issued at start); times come from the clock the
 * store was built with.
 */
export interface TokenStore {
  create(
    input: TokenInput,
    actor?: AuditActor,
    /** Runs in the creating transaction (e.g. to record an idempotent response with it). */
    also?: (work: WriteTransaction, token: TokenRecord, at: Date) => Promise<void>,
  ): Promise<{ token: TokenRecord; secret: string }>;
  list(page: TokenPage): Promise<TokenRecord[]>;
  /** The token, or a not_found refusal. */
  get(id: string): Promise<TokenRecord>;
  /** Relabels if still at `expectedVersion` (undefined: any); a stale version is a VersionMismatch. */
  relabel(
    id: string,
    label: string,
    expectedVersion: number | undefined,
    actor?: AuditActor,
  ): Promise<TokenRecord>;
  /** Revokes; revoking a revoked token changes nothing and returns it as it is. */
  revoke(id: string, actor?: AuditActor): Promise<TokenRecord>;
  /** The principal holding `secret`, if it is a live token. */
  principalOf(secret: string): Promise<Principal | undefined>;
}

/**
 * The parties and destination of an order as the policy sees them (its Resource), looked up by
 * the order's id or by one of its shipments' ids; undefined when there is no such object.
 */
export interface OrderOwnership {
  ofOrder(orderId: string): Promise<Resource | undefined>;
  ofShipment(shipmentId: string): Promise<Resource | undefined>;
}
