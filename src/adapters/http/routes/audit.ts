// GET /v1/audit/verify: re-hashes the whole audit chain in one snapshot and compares it with the
// stored head (or with a head published elsewhere, given as ?seq=&hash=).
import { createRoute, z } from "@hono/zod-openapi";
import { verifyReasons } from "../../../core/audit/chain.ts";
import { verifyAuditOffLoop } from "../audit-verify.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

const verifyResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    count: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }),
  }),
  z.object({
    ok: z.literal(false),
    position: z.number().int(),
    seq: z.number().int().nullable(),
    reason: z.enum(verifyReasons),
    detail: z.string(),
  }),
]);

const verifyRoute = createRoute({
  method: "get",
  path: "/v1/audit/verify",
  tags: ["audit"],
  summary: "verify the audit hash chain (every entry and the head)",
  ...guarded("audit.verify"),
  request: {
    query: z.object({
      seq: z.coerce
        .number()
        .int()
        .nonnegative()
        .optional()
        .meta({ description: "expected head sequence number" }),
      hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional()
        .meta({ description: "expected head hash" }),
    }),
  },
  responses: {
    200: {
      description: "the verdict (ok false names the first bad entry)",
      content: { "application/json": { schema: verifyResultSchema } },
    },
  },
});

export const registerAudit: RouteModule = (app, { auditChain }) => {
  app.openapi(verifyRoute, async (c) => {
    const { seq, hash } = c.req.valid("query");
    const expected = seq !== undefined && hash !== undefined ? { seq, hash } : undefined;
    return sendJson(c, await verifyAuditOffLoop(auditChain, expected));
  });
};
