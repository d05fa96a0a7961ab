// Regulator reports: GET /v1/reports/{kind}?from&to&format=json|csv|pdf, one route per kind so that
// each is guarded by its own action (`reports.<kind>.read`: the jurisdiction table in the policy),
// and GET /v1/reports/key, the public key that checks their signatures. The answer's bytes are
// signed; the detached signature (the `.sig` file's JSON line) travels in a response header.
import { createRoute, z } from "@hono/zod-openapi";
import { reportQueryFields } from "../../../app/reports/service.ts";
import type { Action } from "../../../core/authorization/policy.ts";
import { SluiceError } from "../../../core/errors.ts";
import { reportKinds } from "../../../core/reports/model.ts";
import { checkpointHeader, signatureHeader } from "../../contract/reports.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

export { signatureHeader };

const cellSchema = z.union([z.string(), z.number(), z.null()]).meta({
  description: "text, an integer (money and quantities above 2^53 as decimal strings), or empty",
});

/** The JSON form of a report (src/core/reports/model.ts `reportJson`): the same model CSV and PDF render. */
const reportSchema = z.looseObject({
  format: z.literal("sluice-report/1"),
  kind: z.enum(reportKinds),
  title: z.string(),
  titleZh: z.string().optional(),
  window: z
    .object({ from: z.string(), to: z.string() })
    .meta({ description: "first and last day, inclusive" }),
  closed: z.boolean().meta({ description: "the window ended before the report was first issued: pinned" }),
  issuer: z.object({ principalId: z.string(), role: z.string() }),
  issuedAt: z.string(),
  checkpoint: z.object({
    origin: z.string(),
    size: z.number().int(),
    rootHash: z.string(),
    note: z.string(),
  }),
  tables: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      titleZh: z.string().optional(),
      columns: z.array(
        z.looseObject({
          key: z.string(),
          title: z.string(),
          titleZh: z.string().optional(),
          numeric: z.boolean().optional(),
        }),
      ),
      rows: z.array(z.array(cellSchema)),
      note: z.string().optional(),
    }),
  ),
  chart: z
    .looseObject({
      title: z.string(),
      titleZh: z.string().optional(),
      days: z.array(z.string()),
      series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })),
    })
    .optional(),
});

const keySchema = z.object({ alg: z.literal("Ed25519"), keyId: z.string(), publicKeyPem: z.string() });

const keyRoute = createRoute({
  method: "get",
  path: "/v1/reports/key",
  tags: ["reports"],
  summary: "the public key (Ed25519) that checks report signatures",
  ...guarded("reports.key.read"),
  responses: {
    200: { description: "the report key", content: { "application/json": { schema: keySchema } } },
  },
});

const reportRoute = (kind: (typeof reportKinds)[number]) =>
  createRoute({
    method: "get",
    path: `/v1/reports/${kind}`,
    tags: ["reports"],
    summary: `the ${kind} report for a window, as JSON, CSV or PDF, signed (docs/reports.md)`,
    ...guarded(`reports.${kind}.read` as Action),
    request: { query: reportQueryFields },
    responses: {
      200: {
        description: `the report; header \`${signatureHeader}\` holds its detached signature`,
        content: {
          "application/json": { schema: reportSchema },
          "text/csv": { schema: z.string() },
          "application/pdf": { schema: z.string().meta({ format: "binary" }) },
        },
      },
      400: { description: "bad window or format" },
    },
  });

const unavailable = () =>
  new SluiceError("unavailable", "reports", "not configured on this server", "unavailable");

export const registerReports: RouteModule = (app, services) => {
  app.openapi(keyRoute, (c) => {
    if (!services.reports) throw unavailable();
    return sendJson(c, services.reports.publicKey);
  });
  for (const kind of reportKinds) {
    app.openapi(reportRoute(kind), async (c) => {
      const reports = services.reports;
      if (!reports) throw unavailable();
      const query = reports.parseQuery(c.req.valid("query"));
      const report = await reports.issue(c.get("principal"), kind, query);
      const rendered = await reports.render(report, query.format, { bom: query.bom === "true" });
      const name = `sluice-${kind}-${query.from}-${query.to}.${rendered.extension}`;
      return c.body(new Uint8Array(rendered.bytes), 200, {
        "content-type": rendered.contentType,
        "content-disposition": `${query.format === "json" ? "inline" : "attachment"}; filename="${name}"`,
        [signatureHeader]: rendered.signature.trim(),
        [checkpointHeader]: `size=${report.checkpoint.size}; root=${report.checkpoint.rootHash}`,
      }) as never;
    });
  }
};
