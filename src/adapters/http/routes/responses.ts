// Response schemas of the shipment and screening routes, for the OpenAPI document (and so for the
// web app's generated types): what the handlers send, field by field, with bigints as decimal
// strings. Loose objects: a field added to an answer later is not a breaking change for a client.
// The handlers do not validate their answers against these; test/web/api-types.test.ts and the
// browser tests read real answers through them.
import { z } from "@hono/zod-openapi";
import { decisionValues, findingStatuses } from "../../../core/evaluation/types.ts";
import { factStatuses } from "../../../core/rulebook/schema.ts";
import { orderStatuses, shipmentStatuses } from "../../../core/shipments/model.ts";

const digits = z.string().regex(/^-?\d+$/);
const statusNote = z.object({ status: z.enum(factStatuses), note: z.string() });

export const findingSchema = z.looseObject({
  ruleId: z.string(),
  bookId: z.string(),
  jurisdiction: z.string(),
  kind: z.string(),
  status: z.enum(findingStatuses),
  message: z.string(),
  citation: z.looseObject({ source: z.string(), status: z.enum(factStatuses) }),
  annotations: z.record(z.string(), statusNote).optional(),
  overriddenBy: z.object({ bookId: z.string(), note: z.string() }).optional(),
  measured: z.string().optional(),
  required: z.string().optional(),
  unit: z.string().optional(),
  remedy: z.object({ summary: z.string(), details: z.record(z.string(), z.string()).optional() }).optional(),
  error: z.literal(true).optional(),
});

export const decisionSchema = z
  .looseObject({
    dossierId: z.string(),
    at: z.string(),
    decision: z.enum(decisionValues),
    decidingRuleIds: z.array(z.string()),
    findings: z.array(findingSchema),
    product: z.looseObject({
      id: z.string().nullable(),
      name: z.string(),
      tpp: z.number(),
      eccn: z.string().nullable(),
      section232Band: z.number().nullable(),
    }),
    rulebooks: z.array(
      z.looseObject({
        id: z.string(),
        version: z.number(),
        jurisdiction: z.string(),
        scenario: z.boolean(),
        contentHash: z.string(),
      }),
    ),
    scenarios: z.array(z.string()),
    listVersions: z.array(z.object({ listId: z.string(), version: z.string() })),
    inputHash: z.string(),
    assertedEvidence: z
      .array(z.object({ field: z.string(), authority: z.string(), recordedThrough: z.string() }))
      .optional()
      .meta({
        description:
          "a standalone evaluation only: the evidence the dossier asserts that only its authority records (not recorded facts)",
      }),
  })
  .meta({ description: "the decision with every finding, its citation and remedy" });

/** A decision as recorded: GET /v1/decisions/{id}. */
export const decisionRecordSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  decision: decisionSchema,
  dossier: z.looseObject({}).meta({ description: "the dossier the decision was made on" }),
});

/** The evidence on file for an order or a shipment (docs/dossier.schema.json), money as strings. */
const evidenceViewSchema = z
  .looseObject({})
  .meta({ description: "evidence by kind (see the dossier schema)" });

export const partyViewSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  sector: z.string().optional(),
  nameOriginal: z.string().optional(),
});

export const orderViewSchema = z.looseObject({
  id: z.string(),
  productId: z.string(),
  quantityUnits: z.number().int(),
  valueCents: digits,
  exporterId: z.string(),
  consigneeId: z.string(),
  endUserId: z.string(),
  route: z.object({ origin: z.string(), exportFrom: z.string(), destination: z.string() }),
  endUse: z.looseObject({ purpose: z.string() }),
  usShippedUnits: z.number().int().optional(),
  status: z.enum(orderStatuses),
  evidence: evidenceViewSchema,
});

export const shipmentViewSchema = z.looseObject({
  id: z.string(),
  orderId: z.string(),
  licenceId: z.string().nullable(),
  quantityUnits: z.number().int(),
  valueCents: digits,
  status: z.enum(shipmentStatuses),
  reservationId: z.string().nullable(),
  serials: z.array(z.object({ prefix: z.string(), first: z.number().int(), last: z.number().int() })),
  evidence: evidenceViewSchema,
  version: z.number().int(),
});

/** A recorded decision in an order's list: its id, then the decision's fields. */
export const orderDecisionsSchema = z.object({
  items: z.array(decisionSchema.extend({ id: z.string() })),
});

/** The answer of release, ship and cancel. */
export const moveResultSchema = z.looseObject({ shipmentId: z.string(), status: z.string() });

const hitSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  alert: z.boolean(),
  score: z.number(),
  listId: z.string(),
  entryId: z.string(),
  countries: z.array(z.string()).optional(),
  explanation: z
    .looseObject({ summary: z.string() })
    .meta({ description: "the list, its source, and token pairs scored" }),
});

export const dispositionViewSchema = z.looseObject({
  id: z.string().optional(),
  partyId: z.string(),
  listId: z.string(),
  entryId: z.string(),
  decision: z.enum(["false_positive", "true_match"]),
  reason: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  expiresAt: z.string().optional(),
  listVersion: z.string(),
});

export const screeningReviewSchema = z.object({
  screening: z.looseObject({
    id: z.string(),
    partyId: z.string(),
    screenedAt: z.string(),
    reason: z.string(),
    name: z.string(),
    threshold: z.number(),
    listVersions: z.array(z.object({ listId: z.string(), version: z.string() })),
    hits: z.array(hitSchema),
  }),
  review: z.looseObject({
    outcome: z.string(),
    hits: z.array(
      z.looseObject({ hit: hitSchema, disposition: dispositionViewSchema.optional(), status: z.string() }),
    ),
  }),
});

/** The answer of an application: the decision recorded and the order's state after it. */
export const applyResultSchema = z.object({
  decisionId: z.string(),
  orderStatus: z.enum(orderStatuses),
  decision: decisionSchema,
});
