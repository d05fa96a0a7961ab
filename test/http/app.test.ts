// In-process checks of the app factory: an unexpected error is a 500 problem that reveals nothing
// (and is logged), and the demo tokens for `npm start` (one per role, fresh on each start).

import { createRoute } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/db/open.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken, principalOf, sqlTokenStore } from "../../src/adapters/db/tokens.ts";
import { createApp } from "../../src/adapters/http/app.ts";
import { guarded } from "../../src/adapters/http/auth.ts";
import type { RouteModule } from "../../src/adapters/http/routes/types.ts";
import { issueDemoTokens } from "../../src/app/authorization/demo-tokens.ts";
import { httpDeps } from "../../src/compose.ts";
import { roles } from "../../src/core/authorization/policy.ts";
import { createScratch } from "../support/drivers.ts";
import { clock, counterFactory, storeFingerprint } from "./support.ts";

describe("app factory and demo tokens (embedded database)", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await createScratch("pglite");
    dispose = scratch.dispose;
    store = await openStore(scratch.config);
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  it("answers a bug with a 500 problem that reveals nothing, and logs the error", async () => {
    const logged: unknown[] = [];
    const broken: RouteModule = (app) => {
      const route = createRoute({
        method: "get",
        path: "/v1/broken",
        ...guarded("lists.read"),
        responses: { 200: { description: "never" } },
      });
      app.openapi(route, () => {
        throw new Error("password=hunter2 at db.internal:5432");
      });
    };
    const factory = counterFactory("bug");
    const { secret } = await createToken(store, clock, factory, { role: "admin" });
    const app = createApp(
      httpDeps(store, { clock, tokenFactory: factory, logError: (e) => logged.push(e) }),
      [broken],
    );
    const response = await app.request("/v1/broken", { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({
      type: "/docs#problem-internal",
      title: "Internal error",
      status: 500,
      detail: "internal error: the request was not completed (see the server log)",
      instance: "/v1/broken",
      code: "internal",
    });
    expect(logged).toHaveLength(1);
  });

  it("issues one demo token per role, revoking the previous ones on the next start", async () => {
    const factory = counterFactory("demo");
    const parties = { exporter: "nvidia", importer: "alibaba-cloud", lab: "us-test-lab" };
    const first = await issueDemoTokens(sqlTokenStore(store, clock, factory), parties);
    expect(first.map((t) => t.role)).toEqual([...roles]);
    expect(first.find((t) => t.role === "importer")?.partyId).toBe("alibaba-cloud");
    expect(await principalOf(store, first[0]?.token ?? "")).toMatchObject({ role: "admin" });
    const second = await issueDemoTokens(sqlTokenStore(store, clock, factory), parties);
    for (const old of first) expect(await principalOf(store, old.token)).toBeUndefined();
    for (const fresh of second)
      expect(await principalOf(store, fresh.token)).toMatchObject({ role: fresh.role });
  });

  it("refuses demo tokens without the party-scoped roles' parties, and writes nothing", async () => {
    const before = await storeFingerprint(store);
    await expect(
      issueDemoTokens(sqlTokenStore(store, clock, counterFactory("x")), { exporter: "e", importer: "a" }),
    ).rejects.toThrow("demo token for `lab`: needs a party id");
    expect(await storeFingerprint(store)).toBe(before);
  });
});
