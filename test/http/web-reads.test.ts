// The reads added for the web app, on both drivers over the demo story: GET /v1/session names the
// principal and its policy's actions; GET /v1/overview's counts are the store's (every state
// present, an importer's scoped to its orders, the cap history ends at the balances of
// /v1/quota); GET /v1/decisions filters by outcome and pages by cursor; licences, labs,
// certificates and duty entries list what is on file, scoped for importers and labs; bad query
// input is a 400 problem that names the field.
import { beforeAll, expect, it } from "vitest";
import { ensureBundledLists } from "../../src/app/screening/versions.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { screeningOn, shipmentContextOn } from "../../src/compose.ts";
import { actions, allowedRoles } from "../../src/core/authorization/policy.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type Api, clock, importerParty, startApi } from "./support.ts";

type Page<T> = { items: T[]; nextCursor: string | null };

forEachDriver("web app reads", (env) => {
  let api: Api;
  const get = async <T>(path: string, role: keyof Api["tokens"] = "admin"): Promise<T> => {
    const response = await api.request(path, { token: api.tokens[role] });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  beforeAll(async () => {
    await ensureBundledLists(screeningOn(env.store(), clock)());
    await seedDemo(shipmentContextOn(env.store(), { clock }));
    api = await startApi(env.store(), `wr-${env.driver}`);
    return () => api.server.close();
  });

  it("GET /v1/session: the token's principal and every action its role may attempt", async () => {
    const session = await get<{ tokenId: string; role: string; partyId: string | null; actions: string[] }>(
      "/v1/session",
      "importer",
    );
    expect(session).toMatchObject({
      tokenId: api.tokenIds.importer,
      role: "importer",
      partyId: importerParty,
    });
    const expected = actions.filter((action) =>
      (allowedRoles[action] as readonly string[]).includes("importer"),
    );
    expect(session.actions).toEqual(expected);
  });

  it("GET /v1/overview: the store's counts, complete, scoped for an importer; history ends at the quota", async () => {
    const overview = await get<{
      decisionsByOutcome: Record<string, number>;
      ordersByStatus: Record<string, number>;
      shipmentsByStatus: Record<string, number>;
      history: {
        accountId: string;
        ratioPercent: number;
        days: { usPosted: string; cnPending: string; cnPosted: string }[];
      }[];
    }>("/v1/overview");
    const count = async (sql: string) => Number((await env.store().query<{ n: string }>(sql)).rows[0]?.n);
    expect(overview.decisionsByOutcome.hold).toBe(
      await count("SELECT count(*) AS n FROM decisions WHERE decision = 'hold'"),
    );
    expect(overview.shipmentsByStatus.planned).toBe(
      await count("SELECT count(*) AS n FROM shipments WHERE status = 'planned'"),
    );
    expect(Object.keys(overview.ordersByStatus)).toEqual([
      "created",
      "held",
      "denied",
      "approved",
      "licensed",
    ]);
    expect(overview.shipmentsByStatus.expired).toBe(0);
    const quota =
      await get<Page<{ id: string; usPosted: string; cnPending: string; cnPosted: string }>>("/v1/quota");
    expect(overview.history.map((h) => h.accountId)).toEqual(quota.items.map((a) => a.id));
    for (const account of quota.items) {
      const last = overview.history.find((h) => h.accountId === account.id)?.days.at(-1);
      expect(last).toEqual({
        day: expect.any(String),
        usPosted: account.usPosted,
        cnPending: account.cnPending,
        cnPosted: account.cnPosted,
      });
    }
    const mine = await get<typeof overview>("/v1/overview", "importer");
    const orders = Object.values(mine.ordersByStatus).reduce((a, b) => a + b, 0);
    expect(orders).toBe(
      await count(
        `SELECT count(*) AS n FROM orders WHERE consignee_id = '${importerParty}' OR end_user_id = '${importerParty}'`,
      ),
    );
    expect(mine.history).toEqual([]);
  });

  it("GET /v1/decisions: by outcome, paged by cursor, an importer's own only", async () => {
    const held = await get<Page<{ id: string; decision: string }>>("/v1/decisions?outcome=hold");
    expect(held.items.length).toBeGreaterThan(0);
    expect(held.items.every((d) => d.decision === "hold")).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ id: string }> = await get(
        `/v1/decisions?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await env.store().query<{ id: string }>('SELECT id FROM decisions ORDER BY id COLLATE "C"');
    expect(seen).toEqual(all.rows.map((r) => r.id));
    const mine = await get<Page<{ orderId: string }>>("/v1/decisions", "importer");
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((d) => d.orderId.startsWith("ord-alibaba"))).toBe(true);
  });

  it("lists licences, labs, certificates and duty entries on file; a lab sees only its own", async () => {
    const licences = await get<Page<{ id: string; grantedUnits: string; usedUnits: string }>>("/v1/licences");
    expect(licences.items.length).toBe(
      Number((await env.store().query<{ n: string }>("SELECT count(*) AS n FROM licences")).rows[0]?.n),
    );
    expect(licences.items.every((l) => BigInt(l.usedUnits) <= BigInt(l.grantedUnits))).toBe(true);
    const labs = await get<Page<{ id: string }>>("/v1/labs");
    expect(labs.items.length).toBeGreaterThan(0);
    const certificates = await get<Page<{ id: string; labId: string }>>("/v1/certificates");
    const duty =
      await get<Page<{ id: string; dutyOwedCents: string; dutyPaidCents: string }>>("/v1/duty-entries");
    const rowsOf = async (table: string) =>
      (await env.store().query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id COLLATE "C"`)).rows.map(
        (r) => r.id,
      );
    expect(duty.items.map((d) => d.id)).toEqual(await rowsOf("duty_entries"));
    expect(duty.items.every((d) => /^\d+$/.test(d.dutyOwedCents) && /^\d+$/.test(d.dutyPaidCents))).toBe(
      true,
    );
    expect(certificates.items.map((c) => c.id)).toEqual(await rowsOf("lab_certificates"));
    expect(labs.items.map((l) => l.id)).toEqual(await rowsOf("labs"));
    // The test lab token's party (us-test-lab) is not the demo lab: it sees no lab and no certificate.
    expect((await get<Page<unknown>>("/v1/labs", "lab")).items).toEqual([]);
    expect((await get<Page<unknown>>("/v1/certificates", "lab")).items).toEqual([]);
    expect(certificates.items.every((c) => labs.items.some((l) => l.id === c.labId))).toBe(true);
    const one = certificates.items[0];
    if (one) {
      const forShipment = await get<Page<{ shipmentId: string }>>(
        `/v1/certificates?shipment=${(one as unknown as { shipmentId: string }).shipmentId}`,
      );
      expect(forShipment.items.length).toBeGreaterThan(0);
      expect(new Set(forShipment.items.map((c) => c.shipmentId)).size).toBe(1);
    }
  });

  it("refuses bad query input with a 400 problem naming the field, and changes nothing", async () => {
    for (const path of [
      "/v1/decisions?outcome=maybe",
      "/v1/licences?limit=0",
      "/v1/duty-entries?cursor=nope",
    ]) {
      const response = await api.request(path);
      expect(response.status, path).toBe(400);
      const problem = (await response.json()) as { detail: string };
      expect(problem.detail, path).toMatch(/outcome|limit|cursor/);
    }
  });
});
