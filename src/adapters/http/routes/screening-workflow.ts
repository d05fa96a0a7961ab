// The screening workflow over HTTP: a party's latest screening reviewed against its dispositions
// (GET /v1/parties/{id}/screening), and reviewers' dispositions (POST and GET /v1/dispositions).
// A disposition binds to the listed entry's fingerprint; it reopens when the entry changes.

import { z } from "@hono/zod-openapi";
import {
  addDisposition,
  dispositionInputSchema,
  listDispositions,
} from "../../../app/screening/dispositions.ts";
import { partyReview } from "../../../app/screening/views.ts";
import { notFound, quote } from "../../../core/errors.ts";
import { actorOf } from "../actor.ts";
import { recordIdempotentAfter } from "../idempotency.ts";
import { sendJson, toJsonText } from "../json.ts";
import { actionRoutes, json } from "./define.ts";
import { dispositionViewSchema, screeningReviewSchema } from "./responses.ts";
import type { RouteModule } from "./types.ts";

const route = actionRoutes("screening", { ok: "the result", created: "recorded" }, { 404: "not found" });

const plain = (value: unknown): unknown => JSON.parse(toJsonText(value));

export const registerScreeningWorkflow: RouteModule = (app, { screenings, clock }) => {
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
      const review = await partyReview({ ...screenings(actorOf(c)), clock }, id);
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
      // One instant for the request: the decision's time and its idempotency record's.
      const at = clock();
      const principal = c.get("principal");
      const screening = { ...screenings(actorOf(c)), clock: () => at };
      const decider = { id: principal.id, role: principal.role };
      const result = await addDisposition(screening, await c.req.json(), decider);
      const body = plain({ status: result.status, disposition: result.disposition });
      const status = result.status === "created" ? 201 : 200;
      await recordIdempotentAfter(c, status, body, at);
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
      const screening = { ...screenings(actorOf(c)), clock };
      const views = await listDispositions(screening, party ? { partyId: party } : {});
      return sendJson(c, { items: plain(views) });
    },
  );
};
