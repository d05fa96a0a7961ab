// The demo seed tells the January 2026 story through the real use cases: every order ends in the
// state the story says, for the reason it says.
import { expect, it } from "vitest";
import { verifyAudit } from "../src/adapters/db/audit.ts";
import { needsSeed, seedDemo } from "../src/app/seed/demo.ts";
import { shipmentContextOn } from "../src/compose.ts";
import { forEachDriver } from "./support/drivers.ts";

forEachDriver(
  "demo seed",
  (env) => {
    it("seeds once, with orders in every state and the reasons the story gives", async () => {
      const store = env.store();
      const context = shipmentContextOn(store, { clock: () => new Date("2026-02-02T09:00:00Z") });
      expect(await needsSeed(context)).toBe(true);
      expect(await seedDemo(context)).toEqual({ orders: 9, shipments: 5 });
      expect(await needsSeed(context)).toBe(false);

      const { rows: orders } = await store.query<{ id: string; status: string }>(
        "SELECT id, status FROM orders ORDER BY id",
      );
      expect(Object.fromEntries(orders.map((o) => [o.id, o.status]))).toEqual({
        "ord-alibaba-1": "licensed",
        "ord-alibaba-2": "created",
        "ord-bytedance-1": "held",
        "ord-huawei-1": "held",
        "ord-lion-city-1": "denied",
        "ord-nudt-1": "denied",
        "ord-tencent-1": "licensed",
        "ord-tencent-2": "approved",
        "ord-tsinghua-1": "licensed",
      });
      const { rows: decisions } = await store.query<{
        order_id: string;
        purpose: string;
        deciding_rule_ids: string[];
      }>(
        "SELECT order_id, purpose, deciding_rule_ids FROM decisions WHERE decision <> 'approve' ORDER BY order_id, purpose",
      );
      const why = Object.fromEntries(
        decisions.map((d) => [`${d.order_id}/${d.purpose}`, d.deciding_rule_ids]),
      );
      expect(why["ord-bytedance-1/application"]).toEqual(["us-bis-2026.c6-volume-cap"]);
      expect(why["ord-huawei-1/application"]).toEqual(["us-bis-2026.restricted-parties"]);
      const { rows: held } = await store.query<{
        result: { findings: { ruleId: string; message: string }[] };
      }>("SELECT result FROM decisions WHERE order_id = 'ord-huawei-1'");
      const hit = held[0]?.result.findings.find((f) => f.ruleId === "us-bis-2026.restricted-parties");
      // The hold shows the hit and its explanation.
      expect(hit?.message).toMatch(/consignee ~ .*Huawei.*entry .*score .*: /);
      expect(why["ord-lion-city-1/application"]).toEqual(["us-bis-2026.d5-headquarters"]);
      expect(why["ord-nudt-1/application"]).toEqual(
        expect.arrayContaining(["us-bis-2026.c7-no-military-end-use"]),
      );
      expect(why["ord-tsinghua-1/release"]).toEqual([
        "us-bis-2026.c9-lab-test",
        "us-cbp-2026.section-232-duty",
      ]);

      const { rows: shipments } = await store.query<{ id: string; status: string }>(
        "SELECT id, status FROM shipments ORDER BY id",
      );
      expect(shipments.map((s) => `${s.id}:${s.status}`)).toEqual([
        "ord-alibaba-1-s1:shipped",
        "ord-alibaba-1-s2:released",
        "ord-alibaba-1-s3:planned",
        "ord-tencent-1-s1:released",
        "ord-tsinghua-1-s1:planned",
      ]);
      // The certified lots carry certificates signed by the registered demo lab and checked on submission.
      const { rows: certificates } = await store.query<{ shipment_id: string; status: string }>(
        "SELECT shipment_id, status FROM lab_certificates ORDER BY shipment_id",
      );
      expect(certificates.map((c) => `${c.shipment_id}:${c.status}`)).toEqual([
        "ord-alibaba-1-s1:ok",
        "ord-alibaba-1-s2:ok",
        "ord-tencent-1-s1:ok",
      ]);
      expect((await verifyAudit(store)).ok).toBe(true);
    });
  },
  ["pglite", "postgres"],
);
