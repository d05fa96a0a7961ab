// A lab records a failed test of a lot: POST /v1/lab-test-failures with the failure it signed (the
// same key and canonical form as its certificates). A lab posts its own only (the signed `labId`
// must be its party; another lab's is hidden, 404); the principal and the time come from the token
// and the server's clock. 201 recorded, 200 on file already; a refusal is a problem whose `code` is
// the status, and changes nothing.
import { z } from "@hono/zod-openapi";
import { failureRefusal } from "../../../app/lab-tests/record-failure.ts";
import { quote, SluiceError } from "../../../core/errors.ts";
import { actorOf } from "../actor.ts";
import { authorizeObject } from "../auth.ts";
import { sendJson } from "../json.ts";
import { actionRoutes, anyObject, body } from "./define.ts";
import type { RouteModule } from "./types.ts";

const route = actionRoutes(
  "evidence",
  { ok: "on file already (a replay)", created: "recorded" },
  {
    400: "malformed (the problem names the field)",
    404: "no such shipment, or another lab's failure",
    409: "refused: the problem's code is the status (nothing was written)",
  },
);

const resultSchema = z.object({
  status: z.enum(["recorded", "exists"]),
  failureId: z.string(),
  shipmentId: z.string(),
  labId: z.string(),
  hash: z.string(),
});

export const registerLabTests: RouteModule = (api, app) => {
  api.openapi(
    route(
      "post",
      "/v1/lab-test-failures",
      "certificates.write",
      "record a failed lab test of a lot, signed by the lab (docs/evidence.md); a lab records its own only",
      body(anyObject),
      resultSchema,
    ),
    async (c) => {
      const service = app.labTestFailures;
      if (!service)
        throw new SluiceError("unavailable", "lab test failures", "not configured on this server");
      const signed = service.parse(await c.req.json());
      const labId = signed.failure.labId;
      authorizeObject(
        c.get("principal"),
        "certificates.write",
        { parties: { lab: labId } },
        `lab ${quote(labId)}`,
      );
      const result = await service.record(signed, actorOf(c));
      const refusal = failureRefusal(result);
      if (refusal) throw refusal;
      return sendJson(c, result, result.status === "recorded" ? 201 : 200);
    },
  );
};
