// The shipment path through the CLI on the embedded database, as a user runs it: each command is a
// new process on the same data directory. Exit codes and one-line errors included.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/adapters/db/open.ts";
import { runCli, runCliInProcess } from "./support/cli.ts";
import { exampleJson, exampleOrder } from "./support/dossiers.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-cli-"));
const env = { SLUICE_DATA_DIR: join(dir, "data"), DATABASE_URL: "" };
const saved = { dataDir: process.env.SLUICE_DATA_DIR, databaseUrl: process.env.DATABASE_URL };
beforeAll(async () => {
  process.env.SLUICE_DATA_DIR = env.SLUICE_DATA_DIR;
  process.env.DATABASE_URL = "";
  // Only the commands that create a store may create one: make it as `sluice db migrate` would.
  await (await openStore({ dataDir: env.SLUICE_DATA_DIR, create: true })).close();
});
afterAll(() => {
  process.env.SLUICE_DATA_DIR = saved.dataDir;
  process.env.DATABASE_URL = saved.databaseUrl;
  rmSync(dir, { recursive: true, force: true });
});

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
  evidence: unknown;
};
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
/** In process (the same program, no process start-up); `spawned` runs a real process. */
const sluice = (...args: string[]) => runCliInProcess(args);
const spawned = (...args: string[]) => runCli(args, { env });

describe("sluice over the embedded database", () => {
  it("creates parties and an order, answers a replay with a conflict, and applies", async () => {
    const { exporter, consignee, endUser } = example.parties;
    expect(spawned("parties", "add", file("p1.json", { ...exporter, id: "nvidia" })).stdout).toBe(
      "party nvidia: created\n",
    );
    const buyer = {
      ...consignee,
      id: "alibaba-cloud",
      certifications: [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])],
    };
    expect((await sluice("parties", "add", file("p2.json", buyer))).code).toBe(0);
    const order = exampleOrder();
    const orderFile = file("o1.json", order);
    expect((await sluice("orders", "create", orderFile)).code).toBe(0);

    // A replay with another quantity is a conflict (exit 3) and changes nothing.
    const replay = await sluice(
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

    // Held by the cap: no US end-use volume yet (exit 10). The rest of the path runs in process
    // (test/shipments.test.ts): each CLI process here boots the embedded database.
    // A state change takes the clock: a date given on the command line is refused, nothing written.
    const backdated = await sluice("apply", "ord-1", "--at", "2026-02-01");
    expect(backdated.code).toBe(2);
    expect(backdated.stderr).toMatch(/^error: `sluice apply --at`: a state change takes the clock/);
    const held = await sluice("apply", "ord-1", "--json");
    expect(held.code).toBe(10);
    expect(JSON.parse(held.stdout)).toMatchObject({
      orderStatus: "held",
      decision: { decidingRuleIds: ["us-bis-2026.c6-volume-cap"] },
    });
    expect((await sluice("audit", "verify")).code).toBe(0);
  }, 300_000);

  it("rejects bad input with one line and exit 2", async () => {
    const bad = await sluice(
      "orders",
      "create",
      file("bad.json", { id: "ord-2", productId: "nvidia-h200-sxm", quantityUnits: -3 }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^error: order at `quantityUnits`: /);
    const unknown = await sluice("release", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe("error: shipment `nope`: not found");
  }, 120_000);
});
