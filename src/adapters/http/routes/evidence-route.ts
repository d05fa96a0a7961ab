// What the evidence routes share: their route declaration (statuses and descriptions), the
// request's use cases, how a write is answered, and the plain-JSON form of a use case's answer
// (bigints as decimal strings).
import type { Context } from "hono";
import { ShipmentService } from "../../../app/shipments/service.ts";
import { SluiceError } from "../../../core/errors.ts";
import { actorOf } from "../actor.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { sendJson, toJsonText } from "../json.ts";
import { actionRoutes } from "./define.ts";

export const route = actionRoutes(
  "evidence",
  { ok: "on file already (a replay), or the record", created: "recorded" },
  {
    404: "not found (or not yours)",
    409: "refused: the problem's code is the status (nothing was written)",
    412: "If-Match names a version the lab is no longer at (the answer's ETag is the current one)",
  },
);

export const plain = (value: unknown): unknown => JSON.parse(toJsonText(value));

/**
 * The use cases for this request: every audit entry they write names the request's principal,
 * route and request id (issue #13). Both are the ports src/compose.ts built.
 */
export function servicesOf(app: AppServices, c: Context<AppEnv>) {
  const actor = actorOf(c);
  return { evidence: app.evidence(actor), shipments: new ShipmentService(app.shipments(actor)) };
}

/** A status that is neither created nor a plain replay: a 409 problem coded by the status. */
export const refused = (what: string, status: string, why = status.replaceAll("_", " ")) =>
  new SluiceError("conflict", what, why, status);

/**
 * Answers a write: created → 201, exists → 200, anything else → a 409 problem (nothing written,
 * nothing recorded). The idempotency middleware records the answer under the request's key.
 */
export async function answer<R extends { status: string }>(
  c: Context<AppEnv>,
  what: string,
  result: R,
  headers: Record<string, string> = {},
) {
  if (result.status !== "created" && result.status !== "exists" && result.status !== "revoked")
    throw refused(what, result.status);
  const status = result.status === "exists" ? 200 : 201;
  return sendJson(c, plain(result), status, headers);
}
