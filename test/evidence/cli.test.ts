// The lab and evidence commands as a lab and an officer run them, each a new `sluice` process on
// one embedded data directory: keygen, register, certify (sample drawn from the stored serials),
// submit (a tampered copy: one line, non-zero exit; then the real one), evidence view.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/db/open.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { exampleJson } from "../support/dossiers.ts";
import { createScratch } from "../support/drivers.ts";

const mainFile = fileURLToPath(new URL("../../src/adapters/cli/main.ts", import.meta.url));
let scratch: Awaited<ReturnType<typeof createScratch>>;
let dataDir = "";

function sluice(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", mainFile, ...args], {
    encoding: "utf8",
    env: { ...process.env, SLUICE_DATA_DIR: dataDir, DATABASE_URL: "", SLUICE_NOW: "2026-02-01T12:00:00Z" },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  scratch = await createScratch("pglite");
  dataDir = String(scratch.config.dataDir);
  const store = await openStore({ ...scratch.config, poolSizeMax: 2 });
  try {
    const service = new ShipmentService(shipmentContextOn(store));
    const example = exampleJson("h200-alibaba-approvable.json") as { parties: Record<string, object> };
    await service.addParty({ ...example.parties.exporter, id: "nvidia" });
    await service.addParty({ ...example.parties.consignee, id: "alibaba-cloud" });
    await service.createOrder({
      id: "ord-1",
      productId: "nvidia-h200-sxm",
      quantityUnits: 100,
      valueCents: "270000000",
      exporterId: "nvidia",
      consigneeId: "alibaba-cloud",
      endUserId: "alibaba-cloud",
      route: { origin: "TW", exportFrom: "US", destination: "CN" },
      endUse: { purpose: "commercial-cloud" },
    });
    await store.query(
      `INSERT INTO shipments (id, order_id, quantity_units, value_cents, status, serials, created_at, updated_at)
       VALUES ('SHP-9', 'ord-1', 100, 270000000, 'planned', $1, now(), now())`,
      [JSON.stringify([{ prefix: "H200-", first: 501, last: 600 }])],
    );
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(async () => {
  await scratch?.dispose();
});

describe("sluice lab and evidence commands", () => {
  it("certifies a stored shipment, files it once, and refuses a tampered copy in one line", () => {
    const keys = sluice("lab", "keygen", "--out", join(dataDir, "keys"), "--json");
    expect(keys.code).toBe(0);
    const { keyId, publicKeyFile, privateKeyFile } = JSON.parse(keys.stdout);
    expect(keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(sluice("lab", "keygen", "--out", join(dataDir, "keys")).stderr).toMatch(
      /^error: file `.*lab-private.pem`: already exists/,
    );

    const registered = sluice(
      "lab",
      "register",
      "--id",
      "lab-austin",
      "--name",
      "Austin Test Lab",
      "--hq",
      "US",
      "--public-key",
      publicKeyFile,
      "--qualified-from",
      "2026-01-15",
    );
    expect(registered.stdout).toBe("lab lab-austin: created\n");

    const measurements = join(dataDir, "m.json");
    writeFileSync(
      measurements,
      JSON.stringify({ denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 }),
    );
    const certified = sluice(
      "lab",
      "certify",
      "SHP-9",
      "--measurements",
      measurements,
      "--key",
      privateKeyFile,
      "--lab",
      "lab-austin",
      "--tested-on",
      "2026-01-30",
      "--id",
      "CERT-9",
    );
    expect(certified.code, certified.stderr).toBe(0);
    const signed = JSON.parse(certified.stdout);
    expect(signed.certificate).toMatchObject({
      id: "CERT-9",
      shipmentId: "SHP-9",
      lotUnits: 100,
      tpp: 15832,
      keyId,
    });
    expect(signed.certificate.sampledSerials).toHaveLength(20); // Z1.4 level II: lots of 91–150 → 20
    const certificateFile = join(dataDir, "cert.json");
    writeFileSync(certificateFile, certified.stdout);

    const tampered = join(dataDir, "tampered.json");
    writeFileSync(
      tampered,
      readFileSync(certificateFile, "utf8").replace('"testedOn": "2026-01-30"', '"testedOn": "2026-01-31"'),
    );
    const refused = sluice("lab", "submit", tampered);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      "error: certificate `CERT-9`: bad_signature: the signature does not verify over the certificate under lab lab-austin's key\n",
    );

    const submitted = sluice("lab", "submit", certificateFile, "--json");
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({
      status: "ok",
      certificateId: "CERT-9",
      shipmentId: "SHP-9",
    });

    const view = sluice("evidence", "view", "ord-1", "--shipment", "SHP-9");
    expect(JSON.parse(view.stdout)).toMatchObject({
      labCertificate: { id: "CERT-9", signatureVerified: true, testedOn: "2026-01-30" },
    });
  }, 300_000);

  it("records a payment, reverses it with a reason once, and the totals no longer count it", () => {
    const args = ["--order", "ord-1", "--amount-cents", "1000", "--paid-on", "2026-01-30"];
    expect(sluice("payments", "pay", "--id", "PAY-CLI", ...args).stdout).toBe("payment PAY-CLI: created\n");
    const noReason = sluice("payments", "reverse", "PAY-CLI", "--reason", " ");
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/reason/);
    const reversed = sluice("payments", "reverse", "PAY-CLI", "--reason", "typed against the wrong order");
    expect([reversed.code, reversed.stdout]).toEqual([0, "payment PAY-CLI: reversed\n"]);
    const again = sluice("payments", "reverse", "PAY-CLI", "--reason", "again", "--json");
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "already_reversed", id: "PAY-CLI" });
    expect(JSON.parse(sluice("evidence", "view", "ord-1").stdout).payment).toBeUndefined();
    const unknown = sluice("duty", "reverse", "NO-PAY", "--payment", "--reason", "x");
    expect([unknown.code, unknown.stderr]).toEqual([2, "error: duty payment `NO-PAY`: not found\n"]);
  }, 300_000);
});
