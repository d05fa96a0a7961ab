// Reading the record (issue #13): GET /v1/audit/entries (paged by seq; filters: kind — exact or a
// prefix ending in `.` —, object id named in the payload, acting token, acting role, time range)
// and GET /v1/audit/entries/{seq}, for the auditor and the regulator (action `audit.read`). Each
// entry carries its actor (token id, role, party, route or command, request id) and its hash, so a
// reader can check it against GET /v1/audit/verify. Reads through AuditEntryReader, the port the
// transparency-log branch re-implements.
import { z } from "@hono/zod-openapi";
import type { AuditEntryFilter } from "../../../app/audit/ports.ts";
import { badInput, notFound, quote } from "../../../core/errors.ts";
import { sendJson } from "../json.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import { actionRoutes } from "./define.ts";
import type { RouteModule } from "./types.ts";

const route = actionRoutes("audit", { ok: "the entries", created: "—" }, { 404: "no such entry" });

const instant = z.iso.datetime({ offset: true }).meta({ description: "ISO 8601 instant" });

const listQuery = pageQuerySchema.extend({
  kind: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: "entry kind (`shipment.released`), or a prefix ending in `.` (`shipment.`)" }),
  object: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: "an object id the entry is about (order, shipment, decision, party …)" }),
  token: z.string().min(1).max(128).optional().meta({ description: "the acting token's id" }),
  role: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "the acting role (`system` for Sluice itself)" }),
  from: instant.optional().meta({ description: "entries at or after this instant" }),
  to: instant.optional().meta({ description: "entries before this instant" }),
});

const actorSchema = z.object({
  tokenId: z.string().nullable().meta({ description: "the acting token's id (null: Sluice itself)" }),
  role: z.string().meta({ description: "the acting role, or `system`" }),
  partyId: z.string().nullable(),
  via: z.string().meta({ description: "the route or command it came through" }),
  requestId: z.string(),
});

/** One entry as the chain holds it (src/core/audit/chain.ts); its log index is seq − 1. */
const entrySchema = z.object({
  seq: z.number().int().min(1),
  at: z.string().meta({ description: "ISO 8601 instant, the server's clock" }),
  kind: z.string(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
  actor: actorSchema.optional().meta({ description: "absent on entries written before actors were" }),
});

/** The cursor of this list is the last seq seen. */
function afterSeqOf(cursor: string | undefined): number {
  const after = decodeCursor(cursor);
  if (after === undefined) return 0;
  const seq = Number(after);
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw badInput("query `cursor`", "not a cursor returned by this list", "invalid_cursor");
  return seq;
}

/** Instants compare as stored text: normalize to the log's own form (UTC, milliseconds). */
const asLogInstant = (value: string | undefined) =>
  value === undefined ? undefined : new Date(value).toISOString();

export const registerAuditEntries: RouteModule = (app, services) => {
  const reader = services.auditEntries;
  app.openapi(
    route(
      "get",
      "/v1/audit/entries",
      "audit.read",
      "audit entries, oldest first, each with who did it (filters combine with AND)",
      { query: listQuery },
      pageSchema(entrySchema),
    ),
    async (c) => {
      const query = c.req.valid("query");
      const filter: AuditEntryFilter = {};
      if (query.kind !== undefined) filter.kind = query.kind;
      if (query.object !== undefined) filter.objectId = query.object;
      if (query.token !== undefined) filter.tokenId = query.token;
      if (query.role !== undefined) filter.role = query.role;
      const from = asLogInstant(query.from);
      const to = asLogInstant(query.to);
      if (from !== undefined) filter.from = from;
      if (to !== undefined) filter.to = to;
      const fetched = await reader.list(filter, afterSeqOf(query.cursor), query.limit + 1);
      return sendJson(
        c,
        pageOf(fetched, query.limit, (entry) => String(entry.seq)),
      );
    },
  );
  app.openapi(
    route(
      "get",
      "/v1/audit/entries/{seq}",
      "audit.read",
      "one audit entry with its actor and hash",
      { params: z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }) },
      entrySchema,
    ),
    async (c) => {
      const { seq } = c.req.valid("param");
      const entry = await reader.get(seq);
      if (!entry) throw notFound(`audit entry ${quote(seq)}`);
      return sendJson(c, entry);
    },
  );
};
