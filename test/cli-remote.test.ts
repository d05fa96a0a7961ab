// `sluice --server URL --token T …`: the CLI runs through a real server (ephemeral port, test store)
// and prints and exits as the local command does; problems become one error line with the exit
// code of their kind; a command with no HTTP equivalent, a bad url and a server down are refused.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorKindOfStatus, problemError } from "../src/adapters/cli/remote.ts";
import { seedDemo } from "../src/app/seed/demo.ts";
import { shipmentContextOn } from "../src/compose.ts";
import { type Api, clock, startApi } from "./http/support.ts";
import { runCliInProcess } from "./support/cli.ts";
import { exampleJson, exampleOrder } from "./support/dossiers.ts";
import { forEachDriver } from "./support/drivers.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-remote-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
};
const order = exampleOrder();
const dossierFile = "examples/h200-alibaba-approvable.json";

it("maps every HTTP status of the taxonomy back to its kind, and unknown ones by class", () => {
  expect([400, 401, 403, 404, 409, 412, 413, 500, 503].map(errorKindOfStatus)).toEqual([
    "bad_input",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "precondition_failed",
    "payload_too_large",
    "internal",
    "unavailable",
  ]);
  expect([415, 502].map(errorKindOfStatus)).toEqual(["bad_input", "unavailable"]);
  const error = problemError(409, JSON.stringify({ detail: "order `x`: exists", code: "c1" }), "http://h");
  expect([error.kind, error.what, error.why, error.code]).toEqual(["conflict", "order `x`", "exists", "c1"]);
  expect(problemError(502, "<html>", "http://h").message).toBe("server `http://h`: answered http 502");
});

forEachDriver("sluice --server", (env) => {
  let api: Api;
  let remote: (token: string | null, ...args: string[]) => ReturnType<typeof runCliInProcess>;
  beforeAll(async () => {
    api = await startApi(env.store(), `remote-${env.driver}`);
    remote = (token, ...args) =>
      runCliInProcess([...args, "--server", api.server.url, ...(token === null ? [] : ["--token", token])]);
  }, 180_000);
  afterAll(async () => api?.server.close());

  it("creates parties and an order, answers a replay with a conflict, applies and lists", async () => {
    const admin = api.tokens.admin;
    const { exporter, consignee, endUser } = example.parties;
    const added = await remote(admin, "parties", "add", file("p1.json", { ...exporter, id: "nvidia" }));
    expect(added).toEqual({ code: 0, stdout: "party nvidia: created\n", stderr: "" });
    const buyer = {
      ...consignee,
      id: "alibaba-cloud",
      certifications: [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])],
    };
    const buyerAdded = await remote(admin, "parties", "add", file("p2.json", buyer), "--json");
    expect(JSON.parse(buyerAdded.stdout)).toEqual({ partyId: "alibaba-cloud", status: "created" });

    expect(await remote(admin, "orders", "create", file("o1.json", order))).toMatchObject({
      code: 0,
      stdout: "order ord-1: created\n",
    });
    // The same JSON and exit code as the local command (test/cli-shipments.test.ts).
    const replay = await remote(
      admin,
      "orders",
      "create",
      file("o1b.json", { ...order, quantityUnits: 5 }),
      "--json",
    );
    expect(replay.code).toBe(3);
    expect(JSON.parse(replay.stdout)).toEqual({
      orderId: "ord-1",
      status: "exists_with_different_quantity_units",
    });

    const held = await remote(admin, "apply", "ord-1", "--json");
    expect(held.code).toBe(10);
    expect(JSON.parse(held.stdout)).toMatchObject({
      orderStatus: "held",
      decision: { decision: "hold", decidingRuleIds: ["us-bis-2026.c6-volume-cap"] },
    });

    const orders = JSON.parse((await remote(admin, "orders", "list", "--json")).stdout);
    expect(orders).toEqual({ orders: [{ ...order, status: "held" }] });
    const parties = await remote(admin, "parties", "list", "--after", "alibaba-cloud");
    expect(parties.stdout.split("\n")[0]).toMatch(/^nvidia {2}US /);
    expect(await remote(admin, "audit", "verify")).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^audit log ok: /),
    });
  }, 120_000);

  it("evaluates through the server exactly as locally", async () => {
    for (const at of ["2026-02-01", "2026-01-10"]) {
      const local = await runCliInProcess(["evaluate", dossierFile, "--at", at, "--json"]);
      const served = await remote(api.tokens.admin, "evaluate", dossierFile, "--at", at, "--json");
      expect(served).toEqual(local);
      expect(JSON.parse(served.stdout).at).toBe(at);
    }
  });

  it("turns a forbidden or unauthenticated request into one error line and exit 4, writing nothing", async () => {
    const forbidden = await remote(
      api.tokens.lab,
      "orders",
      "create",
      file("o2.json", { ...order, id: "ord-2" }),
    );
    expect(forbidden.code).toBe(4);
    expect(forbidden.stdout).toBe("");
    expect(forbidden.stderr).toMatch(/^error: [^\n]+\n$/);
    expect((await remote(null, "orders", "list")).code).toBe(4);
    const after = await remote(api.tokens.admin, "orders", "list", "--json");
    expect(JSON.parse(after.stdout).orders.map((o: { id: string }) => o.id)).toEqual(["ord-1"]);
  });

  it("reports bad input found by the server as exit 2 with its detail", async () => {
    const unknown = await remote(api.tokens.admin, "release", "nope");
    expect(unknown).toMatchObject({ code: 2, stderr: "error: shipment `nope`: not found\n" });
  });
});

/** A port nothing listens on: bound by the system, then freed. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("refuses a server that is down, a bad url and a command with no HTTP equivalent", async () => {
  const url = `http://127.0.0.1:${await unusedPort()}`;
  const down = await runCliInProcess(["orders", "list", "--server", url, "--token", "t"]);
  expect(down).toEqual({
    code: 5,
    stdout: "",
    stderr: `error: server \`${url}\`: cannot be reached (econnrefused)\n`,
  });
  const bad = await runCliInProcess(["orders", "list", "--server", "not a url"]);
  expect(bad).toMatchObject({ code: 2, stderr: "error: --server `not a url`: not a url\n" });
  const local = await runCliInProcess(["--server", url, "db", "status"]);
  expect(local).toEqual({
    code: 2,
    stdout: "",
    stderr: "error: command `db status`: not available through --server\n",
  });
  process.env.SLUICE_SERVER = url;
  try {
    expect((await runCliInProcess(["parties", "list"])).code).toBe(5);
  } finally {
    delete process.env.SLUICE_SERVER;
  }
});

forEachDriver(
  "sluice --server over the demo store",
  (env) => {
    let api: Api;
    let admin: (...args: string[]) => ReturnType<typeof runCliInProcess>;
    beforeAll(async () => {
      await seedDemo(shipmentContextOn(env.store(), { clock }));
      api = await startApi(env.store(), `remote-demo-${env.driver}`);
      admin = (...args) =>
        runCliInProcess(["--server", api.server.url, "--token", api.tokens.admin, ...args]);
    }, 180_000);
    afterAll(async () => api?.server.close());

    it("lists, releases, ships and cancels shipments as the local commands print them", async () => {
      const listed = JSON.parse(
        (await admin("shipments", "list", "--order", "ord-alibaba-1", "--json")).stdout,
      );
      expect(listed.shipments.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
        "ord-alibaba-1-s1:shipped",
        "ord-alibaba-1-s2:released",
        "ord-alibaba-1-s3:planned",
      ]);
      const shipped = await admin("ship", "ord-alibaba-1-s2", "--json");
      expect(shipped.code).toBe(0);
      expect(JSON.parse(shipped.stdout)).toMatchObject({ shipmentId: "ord-alibaba-1-s2" });
      expect(await admin("ship", "ord-alibaba-1-s2")).toMatchObject({
        code: 0,
        stdout: "shipment ord-alibaba-1-s2: exists\n",
      });
      expect(await admin("cancel", "ord-alibaba-1-s3", "--reason", "buyer withdrew")).toMatchObject({
        code: 0,
        stdout: "shipment ord-alibaba-1-s3: cancelled\n",
      });
      const held = await admin("release", "ord-tsinghua-1-s1", "--json");
      expect(held.code).toBe(10);
      expect(JSON.parse(held.stdout)).not.toHaveProperty("shipmentId");
      expect(JSON.parse(held.stdout)).toMatchObject({ status: "decision_hold", shipmentStatus: "planned" });
    });

    it("grants a licence, plans a shipment and attaches evidence", async () => {
      const deny = [
        "licences",
        "grant",
        "ord-lion-city-1:application",
        "--id",
        "lic-lc",
        "--expires",
        "2027-02-01",
      ];
      expect(await admin(...deny)).toEqual({
        code: 3,
        stdout: "",
        stderr: "error: application `ord-lion-city-1:application`: was decided `deny`, not approve\n",
      });
      const again = [
        "licences",
        "grant",
        "ord-alibaba-1:application",
        "--id",
        "lic-ord-alibaba-1",
        "--expires",
        "2027-02-01",
      ];
      expect(JSON.parse((await admin(...again, "--json")).stdout)).toEqual({
        licenceId: "lic-ord-alibaba-1",
        status: "exists",
      });
      const plan = {
        id: "lc-s1",
        orderId: "ord-alibaba-1",
        quantityUnits: 10,
        serials: [{ prefix: "LC-", first: 1, last: 10 }],
      };
      const planned = await admin("shipments", "plan", file("s1.json", plan));
      expect(planned).toMatchObject({
        code: 0,
        stdout: "shipment lc-s1: created\n",
      });
      expect(await admin("shipments", "evidence", "lc-s1", file("e1.json", {}))).toEqual({
        code: 0,
        stdout: "",
        stderr: "",
      });
      expect(await admin("orders", "evidence", "nope", file("e2.json", {}))).toMatchObject({
        code: 2,
        stderr: "error: order `nope`: not found\n",
      });
    });

    it("shows the quota accounts with the local command's rows", async () => {
      const quota = await admin("quota", "--window", "since:2026-01-15", "--json");
      expect(quota.code).toBe(0);
      const { window, accounts } = JSON.parse(quota.stdout);
      expect(window).toBe("since:2026-01-15");
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) {
        expect(account.account.endsWith("/since:2026-01-15")).toBe(true);
        expect(account.usPosted).toMatch(/^\d+$/);
      }
      // The seeded shipments (and the one shipped above) are posted on the China side.
      expect(accounts.some((account: { cnPosted: string }) => BigInt(account.cnPosted) > 0n)).toBe(true);
    });
  },
  ["pglite"],
);
