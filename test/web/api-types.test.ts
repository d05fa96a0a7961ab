// The web app is typed against the API: web/src/api/openapi.d.ts must be what openapi-typescript
// makes of the OpenAPI document the routes declare now (`npm run web:types` rewrites it). The
// operations the app reads declare real response schemas, not an empty object.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apiTypesFile, generateApiTypes } from "./api-types.ts";

describe("web app API types", () => {
  it("are up to date with the routes' schemas", async () => {
    const committed = readFileSync(apiTypesFile, "utf8");
    expect(committed === (await generateApiTypes()), "run `npm run web:types`").toBe(true);
  });

  it("declare real answers for the reads the app makes", () => {
    const text = readFileSync(apiTypesFile, "utf8");
    for (const field of [
      "decidingRuleIds",
      "consigneeId",
      "reservationId",
      "screenedAt",
      "decisionsByOutcome",
      "actions",
    ]) {
      expect(text, field).toContain(`${field}`);
    }
  });
});
