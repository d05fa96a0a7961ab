// Authentication and authorization at the HTTP edge. `Authorization: Bearer <secret>` is hashed
// and looked up (a short cache keeps the hot path off the database; revocations made through this
// app take effect at once, those made elsewhere within tokenCacheTtlMsDefault). Each /v1 route
// names its action with `guarded(action)`, so the policy (src/core/authorization) is asked before the body
// is even validated; routes that load an object ask again with `authorizeObject`. Tokens are looked
// up through the TokenStore port (src/app/authorization/ports.ts).
import { createMiddleware } from "hono/factory";
import type { TokenStore } from "../../app/authorization/ports.ts";
import { hashSecret } from "../../app/authorization/tokens.ts";
import type { Clock } from "../../app/ports.ts";
import { type Action, authorize, type Principal, type Resource } from "../../core/authorization/policy.ts";
import { SluiceError } from "../../core/errors.ts";
import type { AppEnv } from "./context.ts";

export const tokenCacheTtlMsDefault = 5_000;
export const tokenCacheEntriesMax = 10_000;
/** Longer bearer values are refused before hashing. */
export const bearerLengthMax = 512;

export class Authenticator {
  readonly #cache = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly tokens: Pick<TokenStore, "principalOf">,
    private readonly clock: Clock,
    private readonly ttlMs: number = tokenCacheTtlMsDefault,
  ) {}

  async authenticate(secret: string): Promise<Principal | undefined> {
    const key = hashSecret(secret);
    const nowMs = this.clock().getTime();
    const hit = this.#cache.get(key);
    if (hit && hit.expiresAtMs > nowMs) return hit.principal;
    const principal = await this.tokens.principalOf(secret);
    if (principal === undefined) {
      this.#cache.delete(key);
      return undefined;
    }
    if (this.#cache.size >= tokenCacheEntriesMax) this.#cache.clear();
    this.#cache.set(key, { principal, expiresAtMs: nowMs + this.ttlMs });
    return principal;
  }

  /** Drops a token from the cache (after a revocation through this process). */
  forget(tokenId: string): void {
    for (const [key, entry] of this.#cache) if (entry.principal.id === tokenId) this.#cache.delete(key);
  }
}

const unauthorized = (why: string) => new SluiceError("unauthorized", "authorization", why, "unauthorized");

/** Sets `principal` from the bearer token, or answers 401. */
export function authenticate(authenticator: Authenticator) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined)
      throw unauthorized("missing bearer token (send `Authorization: Bearer <token>`)");
    const match = /^Bearer +(\S+)$/i.exec(header);
    if (!match?.[1] || match[1].length > bearerLengthMax) throw unauthorized("malformed bearer token");
    const principal = await authenticator.authenticate(match[1]);
    if (principal === undefined) throw unauthorized("unknown or revoked token");
    c.set("principal", principal);
    await next();
  });
}

export const forbidden = (action: Action, principal: Principal): SluiceError =>
  new SluiceError(
    "forbidden",
    `action \`${action}\``,
    `not allowed for role \`${principal.role}\``,
    "forbidden",
  );

/** Route-level check: may this principal's role attempt `action` at all? */
export function requireAction(action: Action) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (authorize(principal, action) !== "allow") throw forbidden(action, principal);
    await next();
  });
}

/**
 * Spread into `createRoute({...})` of every /v1 route: the action check runs before validation,
 * and the OpenAPI document records the action (and from it, the roles allowed).
 */
export function guarded<const A extends Action>(action: A) {
  return {
    middleware: [requireAction(action)],
    security: [{ bearerAuth: [] as string[] }],
    "x-sluice-action": action,
  };
}

/**
 * Object-level check for routes that load an object: someone else's object is not found (404),
 * an object the principal may see but not act on is forbidden (403). `what` names the object as
 * a not-found message would, e.g. "order `o-1`".
 */
export function authorizeObject(
  principal: Principal,
  action: Action,
  resource: Resource,
  what: string,
): void {
  const outcome = authorize(principal, action, resource);
  if (outcome === "hide") throw new SluiceError("not_found", what, "not found");
  if (outcome === "forbid") throw forbidden(action, principal);
}
