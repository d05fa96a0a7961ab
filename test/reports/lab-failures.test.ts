// Failed lab tests over HTTP on the demo store: the lab records the failure it signed (201, a
// replay 200), attributed to its token and dated by the server's clock in an audit entry; another
// lab's failure is hidden, a forged or out-of-lot one refused with nothing written; and the labs
// report counts the failures from these records.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { type ServerHandle, startServer } from "../../src/adapters/http/serve.ts";
import { demoLabKey, seedDemo } from "../../src/app/seed/demo.ts";
import { httpDeps, reportService, shipmentContextOn } from "../../src/compose.ts";
import {
  type LabTestFailureBody,
  labTestFailureFormat,
  signLabTestFailure,
} from "../../src/core/lab-tests/failure.ts";
import { counterFactory } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";

const now = new Date("2026-02-10T09:00:00Z");
const clock = () => now;
const austin = demoLabKey("lab-austin");
/** The s3 lot of Alibaba's first order starts after its s1 and s2 lots (read in beforeAll). */
let s3First = 0;
const serial = (n: number) => `ord-alibaba-1-H200-${s3First + n - 1}`;

const failure = (over: Partial<LabTestFailureBody> = {}): LabTestFailureBody => ({
  format: labTestFailureFormat,
  id: "FAIL-1",
  labId: "lab-austin",
  keyId: austin.keyId,
  shipmentId: "ord-alibaba-1-s3",
  testedOn: "2026-02-09",
  sampledSerials: [serial(1), serial(2), serial(3)],
  failedSerials: [serial(2)],
  checks: ["performance_over_declared"],
  reason: "dense FP8 measured over the declared figure",
  ...over,
});

forEachDriver("failed lab tests", (env) => {
  let server: ServerHandle;
  const tokens: Record<string, { secret: string; id: string }> = {};
  const post = (body: unknown, who = "lab") =>
    fetch(`${server.url}/v1/lab-test-failures`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[who]?.secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const get = async (path: string) =>
    (
      await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokens.admin?.secret}` } })
    ).json();
  const count = async () =>
    Number(
      (await env.store().query<{ n: bigint }>("SELECT count(*) AS n FROM lab_test_failures")).rows[0]?.n,
    );

  beforeAll(async () => {
    const store = env.store();
    await seedDemo(shipmentContextOn(store, { clock }));
    const lot = await store.query<{ serials: { first: number }[] }>(
      "SELECT serials FROM shipments WHERE id = 'ord-alibaba-1-s3'",
    );
    s3First = lot.rows[0]?.serials[0]?.first ?? 0;
    const factory = counterFactory(`labfail-${env.driver}`);
    for (const [who, role, partyId] of [
      ["admin", "admin", null],
      ["lab", "lab", "lab-austin"],
      ["other-lab", "lab", "lab-other"],
    ] as const) {
      const token = await createToken(store, clock, factory, {
        role,
        label: who,
        ...(partyId ? { partyId } : {}),
      });
      tokens[who] = { secret: token.secret, id: token.token.id };
    }
    server = await startServer({
      port: 0,
      evaluateThreads: 0,
      deps: httpDeps(store, {
        clock,
        tokenFactory: factory,
        logError: (error) => console.error(error),
        reports: reportService(store, clock, join(mkdtempSync(join(tmpdir(), "sluice-labfail-")), "key.pem")),
      }),
    });
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  it("records the lab's signed failure once, attributed to its token, dated by the server", async () => {
    const signed = signLabTestFailure(failure(), austin.privateKey);
    const first = await post(signed);
    expect(first.status, await first.clone().text()).toBe(201);
    expect(await first.json()).toMatchObject({
      status: "recorded",
      failureId: "FAIL-1",
      labId: "lab-austin",
    });
    const again = await post(signed);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe("exists");
    expect(await count()).toBe(1);
    const stored = await env
      .store()
      .query<{ recorded_by: string; recorded_at: Date; canonical_text: string; signature: string }>(
        "SELECT recorded_by, recorded_at, canonical_text, signature FROM lab_test_failures WHERE id = 'FAIL-1'",
      );
    expect(stored.rows[0]).toMatchObject({ recorded_by: tokens.lab?.id, signature: signed.signature });
    expect(new Date(stored.rows[0]?.recorded_at ?? 0).toISOString()).toBe(now.toISOString());
    const entries = (await get("/v1/audit/entries?kind=lab_test.failed")) as {
      items: {
        at: string;
        actor: { tokenId: string; role: string; via: string };
        payload: { failureId: string };
      }[];
    };
    expect(entries.items).toHaveLength(1);
    expect(entries.items[0]).toMatchObject({
      at: now.toISOString(),
      actor: { tokenId: tokens.lab?.id, role: "lab", via: "POST /v1/lab-test-failures" },
      payload: { failureId: "FAIL-1" },
    });
  });

  it("refuses another lab's, forged, out-of-lot, future and malformed failures, writing nothing", async () => {
    const before = await count();
    const refusals: [unknown, string, number, string][] = [
      [signLabTestFailure(failure({ id: "FAIL-X" }), austin.privateKey), "other-lab", 404, "not_found"],
      [
        {
          ...signLabTestFailure(failure({ id: "FAIL-F" }), austin.privateKey),
          failure: failure({ id: "FAIL-F", reason: "changed" }),
        },
        "lab",
        409,
        "bad_signature",
      ],
      [
        signLabTestFailure(failure({ id: "FAIL-1", reason: "other" }), austin.privateKey),
        "lab",
        409,
        "exists_with_different_document",
      ],
      [
        signLabTestFailure(
          failure({ id: "FAIL-S", sampledSerials: ["not-in-lot-1"], failedSerials: [] }),
          austin.privateKey,
        ),
        "lab",
        409,
        "serials_not_in_lot",
      ],
      [
        signLabTestFailure(failure({ id: "FAIL-T", testedOn: "2026-02-11" }), austin.privateKey),
        "lab",
        409,
        "tested_in_future",
      ],
      [
        signLabTestFailure(failure({ id: "FAIL-Q", testedOn: "2026-01-10" }), austin.privateKey),
        "lab",
        409,
        "lab_not_qualified",
      ],
      [
        signLabTestFailure(failure({ id: "FAIL-U", shipmentId: "no-such-shipment" }), austin.privateKey),
        "lab",
        404,
        "unknown_shipment",
      ],
      [{ failure: { ...failure(), checks: [] }, signature: "x" }, "lab", 400, "bad_input"],
    ];
    for (const [body, who, status, code] of refusals) {
      const response = await post(body, who);
      expect(response.status, code).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(((await response.json()) as { code: string }).code, code).toBe(code);
    }
    expect(await count()).toBe(before);
  });

  it("counts the recorded failures per lab in the labs report", async () => {
    const admin = signLabTestFailure(
      failure({ id: "FAIL-2", shipmentId: "ord-tencent-1-s1", sampledSerials: ["x"], failedSerials: [] }),
      austin.privateKey,
    );
    // Out of the tencent lot: refused; the same failure of its own serials is recorded (by admin).
    expect((await post(admin, "admin")).status).toBe(409);
    const lot = (await get("/v1/shipments/ord-tencent-1-s1")) as {
      serials: { prefix: string; first: number }[];
    };
    const first = lot.serials[0];
    const own = failure({
      id: "FAIL-2",
      shipmentId: "ord-tencent-1-s1",
      sampledSerials: [`${first?.prefix}${first?.first}`],
      failedSerials: [],
      checks: ["tamper_evidence"],
    });
    expect((await post(signLabTestFailure(own, austin.privateKey), "admin")).status).toBe(201);
    const report = (await get("/v1/reports/lab-tests?from=2026-02-01&to=2026-02-28")) as {
      tables: { id: string; rows: (string | number | null)[][] }[];
    };
    const labs = report.tables.find((t) => t.id === "labs")?.rows ?? [];
    const row = labs.find((r) => r[0] === "lab-austin");
    expect(row?.slice(8)).toEqual([2, 2, 1]); // failed tests, lots failed, serials failed
  });
});
