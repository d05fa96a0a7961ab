// The screening workflow over HTTP: a party's latest screening reviewed against its dispositions
// (GET /v1/parties/{id}/screening), and reviewers' dispositions (POST and GET /v1/dispositions).
// A disposition binds to the listed entry's fingerprint; it reopens when the entry changes.

import { z } from "@hono/zod-openapi";
import { v7 as uuidv7 } from "uuid";
import {
  addDisposition,
  dispositionInputSchema,
  listDispositions,
  partyReview,
} from "../../../app/screening-store.ts";
import { notFound, quote } from "../../../core/errors.ts";
import { auditOf } from "../actor.ts";
import { recordIdempotent } from "../idempotency.ts";
import { sendJson, toJsonText } from "../json.ts";
import { actionRoutes, json } from "./define.ts";
import { dispositionViewSchema, screeningReviewSchema } from "./responses.ts";
import type { RouteModule } from "./types.ts";

const route = actionRoutes("screening", { ok: "the result", created: "recorded" }, { 404: "not found" });

const plain = (value: unknown): unknown => JSON.parse(toJsonText(value));

export const registerScreeningWorkflow: RouteModule = (app, { store, clock }) => {
  app.openapi(
    route(
      "get",
      "/v1/parties/{id}/screening",
      "screenings.read",
      "a party's latest screening, each alert with its disposition and status",
      {
        params: z.object({ id: z.string().min(1).max(128) }),
      },
      screeningReviewSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const review = await partyReview(store, id, clock());
      if (!review) throw notFound(`screening of party ${quote(id)}`, "the party has not been screened");
      return sendJson(c, plain(review));
    },
  );
  app.openapi(
    route(
      "post",
      "/v1/dispositions",
      "dispositions.write",
      "record a reviewer's disposition of a screening hit (false_positive or true_match)",
      {
        body: { required: true, ...json(dispositionInputSchema) },
      },
      z.object({ status: z.string(), disposition: dispositionViewSchema }),
    ),
    async (c) => {
      const at = clock();
      const principal = c.get("principal");
      const result = await addDisposition(store, await c.req.json(), {
        at,
        newId: uuidv7,
        decider: { id: principal.id, role: principal.role },
        appendAudit: auditOf(c),
      });
      const body = plain({ status: result.status, disposition: result.disposition });
      const status = result.status === "created" ? 201 : 200;
      if (c.get("idempotency")) await store.transaction((tx) => recordIdempotent(c, tx, status, body, at));
      return sendJson(c, body, status);
    },
  );
  app.openapi(
    route(
      "get",
      "/v1/dispositions",
      "screenings.read",
      "dispositions, each with its status (active, expired, reopened …)",
      {
        query: z.object({ party: z.string().min(1).max(128).optional() }),
      },
      z.object({ items: z.array(z.object({ disposition: dispositionViewSchema, status: z.string() })) }),
    ),
    async (c) => {
      const { party } = c.req.valid("query");
      const views = await listDispositions(store, { at: clock(), ...(party ? { partyId: party } : {}) });
      return sendJson(c, { items: plain(views) });
    },
  );
};
