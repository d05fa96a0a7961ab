// GET /v1/orders and GET /v1/shipments search (`q`) and filter (`status`) on the server, on both
// drivers over the demo story: each answer equals the full list filtered here, pages of one row
// walk the same list, the principal's scope still applies, LIKE's own characters are literal,
// and a bad state or an over-long search is refused naming the field.
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type Api, clock, importerParty, startApi } from "./support.ts";

interface Order {
  id: string;
  status: string;
  productId: string;
  exporterId: string;
  consigneeId: string;
  endUserId: string;
}
interface Shipment {
  id: string;
  orderId: string;
  licenceId: string | null;
  status: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

forEachDriver("shipment lists: search and state filter", (env) => {
  let api: Api;
  beforeAll(async () => {
    await seedDemo(shipmentContextOn(env.store(), { clock }));
    api = await startApi(env.store(), `lists-${env.driver}`);
  }, 120_000);
  afterAll(async () => {
    await api?.server.close();
  });

  const get = async <T>(path: string, token = api.tokens.admin): Promise<Page<T>> => {
    const response = await api.request(path, { token });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Page<T>;
  };

  /** Every page of a list, one row at a time, following the cursors. */
  async function walk<T extends { id: string }>(path: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes("?") ? "&" : "?";
      const page: Page<T> = await get<T>(
        `${path}${separator}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  const has = (needle: string, ...fields: (string | null)[]) =>
    fields.some((field) => field?.toLowerCase().includes(needle.toLowerCase()));

  it("shipments: q and status narrow the list on the server, as the full list filtered here", async () => {
    const all = (await get<Shipment>("/v1/shipments?limit=200")).items;
    expect(all.length).toBeGreaterThan(2);
    const needle = all[0]?.orderId.slice(4, 10).toUpperCase() ?? "";
    const searched = await get<Shipment>(`/v1/shipments?limit=200&q=${encodeURIComponent(needle)}`);
    const expected = all.filter((s) => has(needle, s.id, s.orderId, s.licenceId)).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(searched.items.map((s) => s.id)).toEqual(expected);
    const status = all[0]?.status ?? "planned";
    const filtered = await get<Shipment>(`/v1/shipments?limit=200&status=${status}`);
    expect(filtered.items.map((s) => s.id)).toEqual(all.filter((s) => s.status === status).map((s) => s.id));
    const both = await walk<Shipment>(`/v1/shipments?q=${encodeURIComponent(needle)}&status=${status}`);
    expect(both).toEqual(
      all.filter((s) => s.status === status && has(needle, s.id, s.orderId, s.licenceId)).map((s) => s.id),
    );
  });

  it("orders: q over the parties and product, status, one-row pages walk the same list", async () => {
    const all = (await get<Order>("/v1/orders?limit=200")).items;
    const held = all.filter((o) => o.status === "held");
    expect(held.length).toBeGreaterThan(0);
    const needle = held[0]?.consigneeId ?? "";
    const expected = all
      .filter(
        (o) =>
          o.status === "held" && has(needle, o.id, o.productId, o.exporterId, o.consigneeId, o.endUserId),
      )
      .map((o) => o.id);
    expect(await walk<Order>(`/v1/orders?status=held&q=${encodeURIComponent(needle)}`)).toEqual(expected);
    expect(await walk<Order>("/v1/orders")).toEqual(all.map((o) => o.id));
  });

  it("keeps the principal's scope, and takes LIKE's characters literally", async () => {
    const others = (await get<Order>("/v1/orders?limit=200")).items.filter(
      (o) => o.consigneeId !== importerParty && o.endUserId !== importerParty,
    );
    expect(others.length).toBeGreaterThan(0);
    const other = others[0]?.id ?? "";
    const asImporter = await get<Order>(`/v1/orders?q=${encodeURIComponent(other)}`, api.tokens.importer);
    expect(asImporter.items).toEqual([]);
    expect((await get<Order>(`/v1/orders?q=${encodeURIComponent(other)}`)).items.map((o) => o.id)).toContain(
      other,
    );
    expect((await get<Shipment>("/v1/shipments?q=%25")).items).toEqual([]);
    expect((await get<Shipment>("/v1/shipments?q=_")).items).toEqual([]);
  });

  it("refuses an unknown state or an over-long search, naming the field", async () => {
    const badState = await api.request("/v1/shipments?status=lost");
    expect(badState.status).toBe(400);
    expect(JSON.stringify(await badState.json())).toContain("status");
    const long = await api.request(`/v1/orders?q=${"x".repeat(129)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(await long.json())).toContain("q");
  });
});
