// `sluice import orders`: every line validated first (bad lines named by number), then all orders in
// one transaction — an unknown party on any line imports nothing.
import { expect, it } from "vitest";
import { readAudit } from "../src/adapters/db/audit.ts";
import { bundledListScreener } from "../src/adapters/db/shipments/context.ts";
import { parseOrdersCsv } from "../src/app/shipments/orders-import.ts";
import { ShipmentService } from "../src/app/shipments/service.ts";
import { bundledScreeningIndex, shipmentContextOn } from "../src/compose.ts";
import { SluiceError } from "../src/core/errors.ts";
import { forEachDriver } from "./support/drivers.ts";

const header =
  "id,product_id,quantity_units,value_cents,exporter_id,consignee_id,end_user_id,origin,export_from,destination,purpose";
const line = (id: string, consignee = "buyer", units = "100") =>
  `${id},nvidia-h200-sxm,${units},270000000,maker,${consignee},${consignee},TW,US,CN,commercial-cloud`;

it("reports bad lines with their numbers and keeps the good ones", () => {
  const text = [header, line("o-1"), line("o-2", "buyer", "-4"), line("o-1"), line("o-3")].join("\n");
  const { lines, bad } = parseOrdersCsv(text, "orders.csv");
  expect(lines.map((l) => l.order.id)).toEqual(["o-1", "o-3"]);
  expect(bad).toEqual([
    { line: 3, why: expect.stringMatching(/^quantityUnits: /) },
    { line: 4, why: "duplicate order id `o-1` in the file" },
  ]);
  expect(() => parseOrdersCsv("id,product_id\nx,y", "short.csv")).toThrow(/header: missing column/);
});

forEachDriver("import orders", (env) => {
  it("imports all lines in one transaction, or none", async () => {
    const service = new ShipmentService(
      shipmentContextOn(env.store(), { screenParties: bundledListScreener(bundledScreeningIndex()) }),
    );
    await service.addParty({ id: "maker", name: "NVIDIA Corporation", country: "US" });
    await service.addParty({ id: "buyer", name: "Alibaba Cloud Computing Co., Ltd.", country: "CN" });
    const before = (await readAudit(env.store())).length;
    const broken = parseOrdersCsv([header, line("o-1"), line("o-2", "nobody")].join("\n"), "orders.csv");
    const error = await service.createOrders(broken.lines).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).message).toBe("orders.csv line 3 at `consigneeId`: unknown party `nobody`");
    expect((await readAudit(env.store())).length).toBe(before);

    const good = parseOrdersCsv([header, line("o-1"), line("o-2")].join("\n"), "orders.csv");
    expect(await service.createOrders(good.lines)).toEqual({ created: 2, existing: 0, skipped: [] });
    expect(await service.createOrders(good.lines)).toEqual({ created: 0, existing: 2, skipped: [] });
  });

  it("with skipBadLines skips unknown products and parties as bad lines, counted once each", async () => {
    const service = new ShipmentService(
      shipmentContextOn(env.store(), { screenParties: bundledListScreener(bundledScreeningIndex()) }),
    );
    await service.addParty({ id: "maker", name: "NVIDIA Corporation", country: "US" });
    await service.addParty({ id: "buyer", name: "Alibaba Cloud Computing Co., Ltd.", country: "CN" });
    const unknownProduct = line("o-9").replace("nvidia-h200-sxm", "no-such-chip");
    const text = [header, line("s-1"), unknownProduct, "", line("s-2", "nobody"), line("s-3")].join("\n");
    const parsed = parseOrdersCsv(text, "orders.csv");
    expect(parsed.bad).toEqual([]);
    const before = (await readAudit(env.store())).length;
    await expect(service.createOrders(parsed.lines)).rejects.toThrow(
      /line 3: product `no-such-chip`: unknown product/,
    );
    expect((await readAudit(env.store())).length).toBe(before);
    const result = await service.createOrders(parsed.lines, { skipBadLines: true });
    expect(result).toEqual({
      created: 2,
      existing: 0,
      skipped: [
        { line: 3, why: "orders.csv line 3: product `no-such-chip`: unknown product" },
        { line: 5, why: "orders.csv line 5 at `consigneeId`: unknown party `nobody`" },
      ],
    });
    expect((await readAudit(env.store())).length).toBe(before + 2);
  });
});
