// GET /readyz reads the ReadinessProbe port (src/app/health/ports.ts), so its answers are shown
// here without a database: ready, migrations pending (503 naming them), the store not answering
// (503). The probe over a real store is exercised by test/http/api.test.ts and test/cli-serve.test.ts.
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/adapters/db/store.ts";
import { createApp } from "../../src/adapters/http/app.ts";
import type { ReadinessProbe } from "../../src/app/health/ports.ts";
import { httpDeps } from "../../src/compose.ts";

/** Nothing but the probe may be asked: any use of the store fails the test. */
const unusedStore = new Proxy({} as Store, {
  get: (_target, key) => {
    if (key === "then") return undefined;
    return () => {
      throw new Error(`readiness must not use the store (asked for ${String(key)})`);
    };
  },
});

async function readyz(readiness: ReadinessProbe) {
  const app = createApp(httpDeps(unusedStore, { readiness, logError: () => {} }));
  const response = await app.request("/readyz");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /readyz over the readiness port", () => {
  it("answers ready with the driver and the migrations applied", async () => {
    const answer = await readyz(async () => ({
      driver: "pglite",
      appliedMigrations: 12,
      pendingMigrations: [],
    }));
    expect(answer).toEqual({ status: 200, body: { ok: true, driver: "pglite", migrations: 12 } });
  });

  it("answers 503 naming the pending migrations", async () => {
    const answer = await readyz(async () => ({
      driver: "postgres",
      appliedMigrations: 10,
      pendingMigrations: ["0120", "0130"],
    }));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      code: "not_ready",
      detail: "database: 2 migration(s) pending: 0120, 0130",
    });
  });

  it("answers 503 when the store does not answer", async () => {
    const answer = await readyz(async () => {
      throw new Error("connection refused");
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: "not_ready", detail: "database: not reachable" });
  });
});
