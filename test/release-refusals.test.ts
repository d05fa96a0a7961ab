// A release the cap ledger refuses keeps the ledger's own status (issue #14: no longer every refusal
// reported as `exceeds_cap`), from the use case to the HTTP answer, on both drivers. The ledger is
// made to refuse through its port (the unit of work's `ledger.reserve`), everything else is real:
// the evaluation approves, the refusal rolls the release back, the shipment stays planned.
import { expect, it } from "vitest";
import type { SqlShipmentContext } from "../src/adapters/db/shipments/context.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken } from "../src/adapters/db/tokens.ts";
import { createApp } from "../src/adapters/http/app.ts";
import type { ShipmentContext } from "../src/app/shipments/ports.ts";
import { ShipmentService } from "../src/app/shipments/service.ts";
import { httpDeps, shipmentContextOn } from "../src/compose.ts";
import { capPolicyDefault } from "../src/core/ledger/cap-policy.ts";
import { reserveStatuses } from "../src/core/ledger/ledger.ts";
import { type ReserveRefusal, releaseAnswer } from "../src/core/shipments/release.ts";
import { counterFactory } from "./http/support.ts";
import { exampleOrder, exampleParties } from "./support/dossiers.ts";
import { forEachDriver } from "./support/drivers.ts";
import { certifyShipment, recordExampleEvidence } from "./support/lab.ts";

const clock = () => new Date("2026-02-01T12:00:00Z");
const refusals = reserveStatuses.filter(
  (status): status is ReserveRefusal => status !== "ok" && status !== "exists",
);

/** The same ports, with a cap ledger that refuses every reservation with `status`. */
function refusing(context: ShipmentContext, status: ReserveRefusal): ShipmentContext {
  return {
    ...context,
    transactor: {
      run: (work, options) =>
        context.transactor.run(
          (repos) => work({ ...repos, ledger: { ...repos.ledger, reserve: async () => ({ status }) } }),
          options,
        ),
    },
    asActor: (actor) => refusing(context.asActor(actor), status),
    withClock: (next, actor) => refusing(context.withClock(next, actor), status),
  };
}

/** An approved, licensed, evidenced and certified order with one planned shipment per refusal. */
async function plannedShipments(context: SqlShipmentContext): Promise<string[]> {
  const service = new ShipmentService(context);
  for (const party of exampleParties()) await service.addParty(party);
  await context.ledger.usPost(capPolicyDefault, {
    id: "us-1",
    productId: "nvidia-h200-sxm",
    units: 100_000n,
    shippedOn: "2026-01-20",
  });
  await service.createOrder({ ...exampleOrder(), quantityUnits: 2 * refusals.length });
  await service.apply("ord-1", { id: "app-1" });
  await service.grantLicence({ id: "lic-1", applicationId: "app-1", expiresOn: "2027-01-31" });
  const ids = refusals.map((_, i) => `SHP-R-${i + 1}`);
  for (const [i, id] of ids.entries()) {
    const first = 2 * i + 1;
    await service.planShipment({
      id,
      orderId: "ord-1",
      quantityUnits: 2,
      serials: [{ prefix: "H200-", first, last: first + 1 }],
    });
  }
  await recordExampleEvidence(context.evidence, "ord-1", ids);
  for (const id of ids) await certifyShipment(context.evidence, id);
  return ids;
}

forEachDriver("release refused by the cap ledger", (env) => {
  let ids: string[] = [];
  let context: SqlShipmentContext;

  it("keeps each refusal's own status and changes nothing", async () => {
    context = shipmentContextOn(env.store(), { clock });
    ids = await plannedShipments(context);
    for (const [i, status] of refusals.entries()) {
      const id = ids[i] as string;
      const result = await new ShipmentService(refusing(context, status)).release(id, {});
      expect(result).toMatchObject({ status, shipmentStatus: "planned" });
      expect((await new ShipmentService(context).shipment(id))?.status).toBe("planned");
    }
  });

  it("answers each refusal over HTTP with its status and its kind's HTTP status", async () => {
    const store: Store = env.store();
    const factory = counterFactory("refusals");
    const { secret } = await createToken(store, clock, factory, { role: "admin" });
    for (const [i, status] of refusals.entries()) {
      const base = shipmentContextOn(store, { clock });
      const app = createApp(
        httpDeps(store, {
          clock,
          tokenFactory: factory,
          logError: () => {},
          shipments: (actor, hook) => {
            const acting = base.asActor(actor);
            return refusing(hook ? acting.withCommitHook(hook) : acting, status);
          },
        }),
      );
      const response = await app.request(`/v1/shipments/${ids[i]}/release`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ eventId: `http-${status}` }),
      });
      expect(response.status).toBe(releaseAnswer(status).httpStatus);
      expect(await response.json()).toMatchObject({ shipmentId: ids[i], status, shipmentStatus: "planned" });
    }
  });
});
