// Products and classification: POST /v1/classify (a chip spec), GET /v1/products (the catalog,
// paginated), GET /v1/products/{id}/classification. Same JSON as `sluice classify --json` and
// `sluice products --json`.
import { createRoute, z } from "@hono/zod-openapi";
import { productRow } from "../../../app/evaluation/catalog.ts";
import { classify } from "../../../core/classification/classify.ts";
import { chipSpecSchema } from "../../../core/classification/spec.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import { pageOfSorted, pageQuerySchema, pageSchema } from "../pagination.ts";
import type { RouteModule } from "./types.ts";

const classificationSchema = z
  .looseObject({
    tpp: z.number(),
    eccn: z.string().nullable(),
    section232Band: z.number().nullable(),
    reasons: z.array(z.string()),
  })
  .meta({
    description: "the spec and its classification (TPP, PD, ECCN, BIS box, §232 band, SAFE test, reasons)",
  });

const productRowSchema = z.object({
  id: z.string(),
  vendor: z.string(),
  name: z.string(),
  family: z.string().nullable(),
  status: z.string(),
  domestic: z.boolean(),
  tpp: z.number(),
  tppPrecision: z.string().nullable(),
  eccn: z.string().nullable(),
  eccnIndeterminate: z.boolean(),
  bisBoxEligible: z.boolean(),
  section232Band: z.number().nullable(),
  safeChipsActAdvanced: z.boolean(),
  safeChipsActIndeterminate: z.boolean(),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const classifyRoute = createRoute({
  method: "post",
  path: "/v1/classify",
  tags: ["classification"],
  summary: "classify a chip spec: TPP, PD, ECCN 3A090, BIS box, §232 band, SAFE Chips Act test",
  ...guarded("classify"),
  request: { body: { required: true, ...json(chipSpecSchema) } },
  responses: { 200: { description: "the classification", ...json(classificationSchema) } },
});

const productsRoute = createRoute({
  method: "get",
  path: "/v1/products",
  tags: ["classification"],
  summary: "the product catalog with TPP, ECCN, BIS box eligibility and §232 band",
  ...guarded("products.read"),
  request: { query: pageQuerySchema },
  responses: { 200: { description: "a page of products", ...json(pageSchema(productRowSchema)) } },
});

const productClassificationRoute = createRoute({
  method: "get",
  path: "/v1/products/{id}/classification",
  tags: ["classification"],
  summary: "classify a catalog product",
  ...guarded("products.read"),
  request: { params: z.object({ id: z.string().min(1).max(128) }) },
  responses: {
    200: { description: "the classification", ...json(classificationSchema) },
    404: { description: "unknown product" },
  },
});

export const registerCatalog: RouteModule = (app, { catalog }) => {
  app.openapi(classifyRoute, (c) => {
    const spec = c.req.valid("json");
    return sendJson(c, { spec, ...classify(spec) });
  });
  app.openapi(productsRoute, (c) => {
    const rows = catalog
      .all()
      .map(productRow)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return sendJson(
      c,
      pageOfSorted(rows, c.req.valid("query"), (row) => row.id),
    );
  });
  app.openapi(productClassificationRoute, (c) => {
    const product = catalog.require(c.req.valid("param").id);
    return sendJson(c, {
      product: { id: product.id, name: product.spec.name },
      spec: product.spec,
      ...classify(product.spec),
    });
  });
};
