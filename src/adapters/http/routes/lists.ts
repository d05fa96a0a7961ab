// Lists of evidence the web app shows and the API lacked: GET /v1/labs (qualified labs, a lab sees
// itself), GET /v1/certificates (lab certificates on file, a lab sees its own) and
// GET /v1/duty-entries (§232 entries with duty owed and paid, for the roles that read all).
// Paged by id like every list (pagination.ts); the records themselves are one GET each.
import { createRoute, z } from "@hono/zod-openapi";
import { scopeOf } from "../../../core/authorization/policy.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import type { RouteModule } from "./types.ts";

const digits = z.string().regex(/^-?\d+$/);
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const labSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  headquartersCountry: z.string(),
  keyId: z.string(),
  qualifiedFrom: z.string(),
  qualifiedTo: z.string().nullable(),
  revokedOn: z.string().nullable(),
});
const certificateSummarySchema = z.object({
  id: z.string(),
  shipmentId: z.string(),
  labId: z.string(),
  hash: z.string(),
  testedOn: z.string(),
  status: z.enum(["ok", "lab_revoked"]),
  submittedAt: z.string(),
});
const dutyEntrySummarySchema = z.object({
  id: z.string(),
  shipmentId: z.string(),
  enteredOn: z.string(),
  htsCode: z.string(),
  band: z.number().int().nullable(),
  enteredValueCents: digits,
  ratePercent: z.number().int(),
  exemptionKind: z.string().nullable(),
  dutyOwedCents: digits,
  dutyPaidCents: digits,
});

const listRoute = <T extends z.ZodType>(
  path: string,
  action: "certificates.read" | "duty.read",
  summary: string,
  item: T,
  query = pageQuerySchema,
) =>
  createRoute({
    method: "get",
    path,
    tags: ["evidence"],
    summary,
    ...guarded(action),
    request: { query },
    responses: { 200: { description: "a page", ...json(pageSchema(item)) } },
  });

const labsRoute = listRoute(
  "/v1/labs",
  "certificates.read",
  "list qualified labs (a lab sees itself)",
  labSummarySchema,
);
const certificatesRoute = listRoute(
  "/v1/certificates",
  "certificates.read",
  "list lab certificates on file (a lab sees its own); ?shipment= for one shipment's",
  certificateSummarySchema,
  pageQuerySchema.extend({ shipment: z.string().min(1).max(128).optional() }),
);
const dutyEntriesRoute = listRoute(
  "/v1/duty-entries",
  "duty.read",
  "list Section 232 entries with duty owed and paid, in cents",
  dutyEntrySummarySchema,
);

export const registerLists: RouteModule = (app, { evidenceLists: lists }) => {
  const labOf = (scope: ReturnType<typeof scopeOf>): string | null => (scope.all ? null : scope.partyId);
  app.openapi(labsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await lists.listLabs(
      { after: decodeCursor(cursor) ?? "", limit: limit + 1 },
      labOf(scopeOf(c.get("principal"))),
    );
    return sendJson(
      c,
      pageOf(rows, limit, (row) => row.id),
    );
  });
  app.openapi(certificatesRoute, async (c) => {
    const { limit, cursor, shipment } = c.req.valid("query") as {
      limit: number;
      cursor?: string;
      shipment?: string;
    };
    const window = { after: decodeCursor(cursor) ?? "", limit: limit + 1 };
    const rows = await lists.listCertificates(window, labOf(scopeOf(c.get("principal"))), shipment);
    return sendJson(
      c,
      pageOf(rows, limit, (row) => row.id),
    );
  });
  app.openapi(dutyEntriesRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await lists.listDutyEntries({ after: decodeCursor(cursor) ?? "", limit: limit + 1 });
    return sendJson(
      c,
      pageOf(rows, limit, (row) => row.id),
    );
  });
};
