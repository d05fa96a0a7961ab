// The evidence, lab, screening and token commands through `--server` print and exit as the local
// commands do on the same data: one server over the demo store on PostgreSQL (the local commands
// open the same database in this process, which an embedded data directory would not allow), each
// command run remotely and locally, the outputs compared; refused input gives the same error line
// and exit code; no token is one clear unauthorized line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../src/app/seed/demo.ts";
import { shipmentContextOn } from "../src/compose.ts";
import { exitCodes } from "../src/core/errors.ts";
import { type Api, clock, fixedNow, startApi } from "./http/support.ts";
import { runCliInProcess } from "./support/cli.ts";
import { forEachDriver } from "./support/drivers.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-remote-evidence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};

forEachDriver(
  "evidence, lab, screening and token commands through --server",
  (env) => {
    let api: Api;
    const saved: Record<string, string | undefined> = {};
    const remoteAs = (token: string | null, ...args: string[]) =>
      runCliInProcess([...args, "--server", api.server.url, ...(token === null ? [] : ["--token", token])]);
    const remote = (...args: string[]) => remoteAs(api.tokens.admin, ...args);
    const local = (...args: string[]) => runCliInProcess(args);

    beforeAll(async () => {
      await seedDemo(shipmentContextOn(env.store(), { clock }));
      api = await startApi(env.store(), `remote-evidence-${env.driver}`);
      // The local commands open the same database, on the server's clock.
      const overrides = { ...env.config().env, SLUICE_NOW: fixedNow.toISOString() };
      for (const [name, value] of Object.entries(overrides)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
    }, 180_000);
    afterAll(async () => {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      await api?.server.close();
    });

    it("records invoices and payments as locally: created, replays, conflicts, bad input", async () => {
      // ord-alibaba-2 has no invoice or payment yet (the seed's other orders are paid in full).
      const invoice = ["payments", "invoice", "--id", "inv-r1", "--order", "ord-alibaba-2", "--issued-on"];
      expect(await remote(...invoice, "2026-01-20", "--amount-cents", "1000")).toEqual({
        code: 0,
        stdout: "invoice inv-r1: created\n",
        stderr: "",
      });
      const replay = [...invoice, "2026-01-20", "--amount-cents", "1000", "--json"];
      expect(await remote(...replay)).toEqual(await local(...replay));
      const other = [...invoice, "2026-01-20", "--amount-cents", "2000", "--json"];
      const conflict = await remote(...other);
      expect(conflict.code).toBe(3);
      expect(conflict).toEqual(await local(...other));
      const bad = [...invoice, "2026-13-40", "--amount-cents", "1000"];
      const refused = await remote(...bad);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: invoice at `issuedOn`: /);
      expect(refused).toEqual(await local(...bad));

      const pay = ["payments", "pay", "--order", "ord-alibaba-2", "--amount-cents", "500", "--paid-on"];
      expect(await remote(...pay, "2026-01-21", "--id", "pay-r1", "--json")).toEqual({
        code: 0,
        stdout: `${JSON.stringify({ paymentId: "pay-r1", status: "created" }, null, 2)}\n`,
        stderr: "",
      });
      expect(await remote(...pay, "2026-01-22", "--id", "pay-r1")).toEqual(
        await local(...pay, "2026-01-22", "--id", "pay-r1"),
      );
    });

    it("records a duty entry and payments, and reports totals, as locally", async () => {
      const entry = {
        id: "dut-r1",
        shipmentId: "ord-alibaba-1-s3",
        enteredOn: "2026-01-25",
        htsCode: "8471.50",
        enteredValueCents: "100000000",
      };
      const created = await remote("duty", "enter", file("dut-r1.json", entry), "--json");
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ entryId: "dut-r1", status: "created" });
      const replay = ["duty", "enter", file("dut-r1b.json", entry), "--json"];
      expect(await remote(...replay)).toEqual(await local(...replay));
      const owed = BigInt(JSON.parse(created.stdout).dutyOwedCents);

      const pay = ["duty", "pay", "--entry", "dut-r1", "--paid-on", "2026-01-26"];
      expect(await remote(...pay, "--id", "dp-r1", "--amount-cents", "100")).toEqual({
        code: 0,
        stdout: "duty payment dp-r1: created\n",
        stderr: "",
      });
      // More than owed is refused (exit 4, as locally) with the same line; nothing is written.
      const over = [...pay, "--id", "dp-r2", "--amount-cents", String(owed)];
      const refused = await remote(...over);
      expect(refused).toEqual({
        code: exitCodes.denied,
        stdout: "duty payment dp-r2: exceeds_duty_owed\n",
        stderr: "",
      });
      expect(refused).toEqual(await local(...over));
      const unknown = ["duty", "pay", "--entry", "nope", "--id", "dp-r3", "--amount-cents", "1", "--paid-on"];
      expect(await remote(...unknown, "2026-01-26")).toEqual(await local(...unknown, "2026-01-26"));

      for (const by of ["month", "range"]) {
        const totals = ["duty", "totals", "--from", "2026-01-01", "--to", "2026-03-31", "--by", by];
        const served = await remote(...totals);
        // dut-r1 and the three entries US customs recorded in the seeded story.
        expect(served.stdout).toMatch(/^2026-01-01…2026-0[13]-31: 4 entries, /);
        expect(served).toEqual(await local(...totals));
        expect(await remote(...totals, "--json")).toEqual(await local(...totals, "--json"));
      }
      const backwards = ["duty", "totals", "--from", "2026-03-01", "--to", "2026-01-01"];
      const refusedTotals = await remote(...backwards);
      expect(refusedTotals.code).toBe(2);
      expect(refusedTotals).toEqual(await local(...backwards));
    });

    it("forfeits paid cash, lists forfeitures and shows an order's evidence as locally", async () => {
      const forfeit = ["payments", "forfeit", "ord-alibaba-1", "--reason", "licence-revoked"];
      const forfeited = await remote(...forfeit, "--id", "forf-r1", "--json");
      expect(forfeited.code, forfeited.stderr).toBe(0);
      expect(JSON.parse(forfeited.stdout)).toMatchObject({ status: "forfeited", forfeitureId: "forf-r1" });
      const replay = [...forfeit, "--id", "forf-r1"];
      expect(await remote(...replay)).toEqual(await local(...replay));
      expect((await remote(...replay)).stdout).toMatch(/^order ord-alibaba-1: exists \(\d+ ¢\)\n$/);
      // Everything paid is forfeited now: nothing more, alike.
      expect(await remote(...forfeit)).toEqual({
        code: 0,
        stdout: "order ord-alibaba-1: nothing_to_forfeit (0 ¢)\n",
        stderr: "",
      });
      expect(await local(...forfeit)).toEqual(await remote(...forfeit));
      expect(await remote("payments", "forfeit", "nope", "--reason", "other")).toEqual(
        await local("payments", "forfeit", "nope", "--reason", "other"),
      );
      for (const args of [
        ["payments", "forfeitures"],
        ["payments", "forfeitures", "--json", "--limit", "1"],
        ["payments", "forfeitures", "--order", "ord-alibaba-1", "--json"],
        ["payments", "forfeitures", "--order", "nope"],
        ["evidence", "view", "ord-alibaba-1"],
        ["evidence", "view", "ord-alibaba-1", "--shipment", "ord-alibaba-1-s1"],
      ]) {
        const served = await remote(...args);
        expect(served, args.join(" ")).toEqual(await local(...args));
      }
      expect((await remote("payments", "forfeitures", "--order", "nope")).stderr).toBe(
        "error: order `nope`: not found\n",
      );
    });

    it("records approvals, domestic purchases and customs events as locally", async () => {
      const approval = {
        id: "apr-r1",
        importerId: "alibaba-cloud",
        importer: "Alibaba Cloud",
        authority: "MOFCOM",
        approvedOn: "2026-01-10",
        validFrom: "2026-01-10",
        validTo: "2026-12-31",
        approvedUnits: 1000,
        purpose: "commercial-cloud",
      };
      expect(await remote("approvals", "add", file("apr.json", approval))).toEqual({
        code: 0,
        stdout: "approval apr-r1: created\n",
        stderr: "",
      });
      const other = ["approvals", "add", file("apr2.json", { ...approval, approvedUnits: 5 }), "--json"];
      expect(await remote(...other)).toMatchObject({ code: 3 });
      expect(await remote(...other)).toEqual(await local(...other));
      const bad = ["approvals", "add", file("apr3.json", { ...approval, approvedUnits: -1 })];
      expect(await remote(...bad)).toEqual(await local(...bad));
      expect((await remote(...bad)).code).toBe(2);

      const purchase = {
        id: "dom-r1",
        importerId: "alibaba-cloud",
        vendor: "huawei-ascend",
        product: "Ascend 910C",
        units: 100,
        purchasedOn: "2026-01-12",
      };
      expect(await remote("approvals", "domestic", file("dom.json", purchase), "--json")).toEqual({
        code: 0,
        stdout: `${JSON.stringify({ purchaseId: "dom-r1", status: "created" }, null, 2)}\n`,
        stderr: "",
      });
      const clear = ["customs", "clear", "--id", "cus-r1", "--on", "2026-01-28"];
      expect(await remote(...clear, "ord-alibaba-1-s1")).toEqual({
        code: 0,
        stdout: "customs event cus-r1: created\n",
        stderr: "",
      });
      // A lot not shipped is refused (exit 4, as locally), with the local line.
      const notShipped = ["customs", "reject", "ord-alibaba-1-s3", "--id", "cus-r2", "--on", "2026-01-28"];
      const refused = await remote(...notShipped, "--reason", "paperwork");
      expect(refused).toEqual({
        code: exitCodes.denied,
        stdout: "customs event cus-r2: shipment_not_shipped\n",
        stderr: "",
      });
      expect(refused).toEqual(await local(...notShipped, "--reason", "paperwork"));
    });

    it("registers a lab, certifies from the served serials, submits and revokes as locally", async () => {
      const keyDir = join(dir, "keys");
      expect((await local("lab", "keygen", "--out", keyDir)).code).toBe(0);
      const register = [
        "lab",
        "register",
        "--id",
        "lab-r1",
        "--name",
        "Remote Test Lab",
        "--hq",
        "US",
        "--public-key",
        join(keyDir, "lab-public.pem"),
        "--qualified-from",
      ];
      const registered = await remote(...register, "2026-01-15", "--json");
      expect(registered.code, registered.stderr).toBe(0);
      expect(await remote(...register, "2026-01-15")).toEqual(await local(...register, "2026-01-15"));
      // Registered again with another date: a conflict, reporting the key on file as locally.
      const other = await remote(...register, "2026-01-16", "--json");
      expect(other.code).toBe(3);
      expect(other).toEqual(await local(...register, "2026-01-16", "--json"));

      const measurements = file("m.json", { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 });
      const certify = [
        "lab",
        "certify",
        "ord-alibaba-1-s3",
        "--measurements",
        measurements,
        "--key",
        join(keyDir, "lab-private.pem"),
        "--lab",
        "lab-r1",
        "--tested-on",
        "2026-01-30",
        "--id",
        "CERT-R1",
        "--nonce",
        "00112233445566778899aabbccddeeff",
      ];
      const certified = await remote(...certify);
      expect(certified.code, certified.stderr).toBe(0);
      // The same sample drawn from the same serials, signed alike (Ed25519 is deterministic).
      expect(certified).toEqual(await local(...certify));
      expect(await remote("lab", "certify", "nope", ...certify.slice(3))).toEqual(
        await local("lab", "certify", "nope", ...certify.slice(3)),
      );

      const certificate = file("cert.json", certified.stdout);
      const tampered = file(
        "tampered.json",
        readFileSync(certificate, "utf8").replace('"testedOn": "2026-01-30"', '"testedOn": "2026-01-31"'),
      );
      const refused = await remote("lab", "submit", tampered);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/^error: certificate `CERT-R1`: bad_signature: /);
      expect(refused).toEqual(await local("lab", "submit", tampered));
      const refusedJson = await remote("lab", "submit", tampered, "--json");
      expect(refusedJson.code).toBe(4);
      expect(JSON.parse(refusedJson.stdout)).toEqual(
        expect.objectContaining({ status: "bad_signature", certificateId: "CERT-R1" }),
      );
      expect(await remote("lab", "submit", certificate, "--at", "2026-01-30")).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^error: --at: not available through --server/),
      });
      const submitted = await remote("lab", "submit", certificate, "--json");
      expect(submitted.code, submitted.stderr).toBe(0);
      expect(JSON.parse(submitted.stdout)).toMatchObject({ status: "ok", certificateId: "CERT-R1" });
      expect(await remote("lab", "submit", certificate)).toEqual(await local("lab", "submit", certificate));

      const revoke = ["lab", "revoke", "lab-r1", "--reason", "BIS notice", "--on", "2026-03-01"];
      const revoked = await remote(...revoke, "--json");
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(JSON.parse(revoked.stdout)).toEqual({ status: "revoked", certificatesRevoked: 1, reverted: [] });
      expect(await remote(...revoke)).toEqual(await local(...revoke));
      const otherReason = ["lab", "revoke", "lab-r1", "--reason", "other", "--on", "2026-03-01"];
      expect(await remote(...otherReason)).toMatchObject({ code: 3 });
      expect(await remote(...otherReason)).toEqual(await local(...otherReason));
    });

    it("screens, matches, lists dispositions and shows screenings as locally", async () => {
      for (const args of [
        ["screen", "华为技术有限公司", "--json"],
        ["screen", "Huawei Technologies", "--country", "CN"],
        ["screen", "Huawei", "--country", "XX"],
        ["match", "无锡江南计算技术研究所", "Wuxi Jiangnan Institute of Computing Technology"],
        ["dispositions", "list", "--json"],
        ["screenings", "show", "alibaba-cloud"],
        ["screenings", "show", "alibaba-cloud", "--json"],
        ["screenings", "show", "nope"],
      ]) {
        const served = await remote(...args);
        expect(served, args.join(" ")).toEqual(await local(...args));
      }
      const noParty = await remote(
        "dispositions",
        "add",
        "--party",
        "nope",
        "--list",
        "csl",
        "--entry",
        "e1",
        "--decision",
        "false-positive",
        "--reason",
        "not them",
      );
      expect(noParty).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: /) });
    });

    it("records a disposition of a hit through the server; both sides list it and show it alike", async () => {
      const review = JSON.parse((await remote("screenings", "show", "huawei-device", "--json")).stdout);
      const hit = review.review.hits[0]?.hit as { listId: string; entryId: string };
      expect(hit).toBeDefined();
      const add = [
        "dispositions",
        "add",
        "--party",
        "huawei-device",
        "--list",
        hit.listId,
        "--entry",
        hit.entryId,
        "--decision",
        "true-match",
        "--reason",
        "the listed affiliate",
        "--id",
        "disp-r1",
      ];
      const added = await remote(...add, "--json");
      expect(added.code, added.stderr).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ status: "created", disposition: { id: "disp-r1" } });
      expect(await remote(...add)).toEqual(await local(...add));
      const other = add.map((arg) => (arg === "the listed affiliate" ? "another reason" : arg));
      const conflict = await remote(...other);
      expect(conflict.code).toBe(3);
      expect(conflict).toEqual(await local(...other));
      for (const args of [
        ["dispositions", "list", "--party", "huawei-device"],
        ["screenings", "show", "huawei-device"],
      ]) {
        const served = await remote(...args);
        expect(served.stdout, args.join(" ")).toContain("true-match");
        expect(served, args.join(" ")).toEqual(await local(...args));
      }
    });

    it("imports a custom list through the server as locally, and refuses OFAC files there", async () => {
      const csv = file(
        "custom.csv",
        "id,name,aliases,country,address,source\nr-1,Remote Test Trading Co,,CN,Shenzhen,test\n",
      );
      const dry = ["lists", "import", csv, "--format", "custom", "--list-id", "remote-test", "--dry-run"];
      expect(await remote(...dry)).toEqual(await local(...dry));
      const imported = await remote("lists", "import", csv, "--format", "custom", "--list-id", "remote-test");
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/^created remote-test@[0-9a-f]+: 1 entries, 1 names\nre-screened /);
      const again = ["lists", "import", csv, "--format", "custom", "--list-id", "remote-test"];
      expect(await remote(...again)).toEqual(await local(...again));
      expect(await remote("lists", "import", csv, "--format", "ofac")).toMatchObject({ code: 2 });
    });

    it("creates, lists and revokes tokens as locally, for an admin only", async () => {
      const created = await remote("tokens", "create", "--role", "auditor", "--label", "remote", "--json");
      expect(created.code, created.stderr).toBe(0);
      const token = JSON.parse(created.stdout);
      expect(token).toMatchObject({ role: "auditor", label: "remote", token: expect.any(String) });
      expect(await remote("tokens", "list", "--json")).toEqual(await local("tokens", "list", "--json"));
      expect(await remote("tokens", "list")).toEqual(await local("tokens", "list"));
      const revoked = await remote("tokens", "revoke", token.id);
      expect(revoked).toMatchObject({
        code: 0,
        stdout: `revoked token ${token.id} at ${fixedNow.toISOString()}\n`,
      });
      expect(await remote("tokens", "revoke", token.id)).toEqual(await local("tokens", "revoke", token.id));
      const noParty = ["tokens", "create", "--role", "importer"];
      expect(await remote(...noParty)).toEqual(await local(...noParty));
      expect((await remote(...noParty)).code).toBe(2);
      const forbidden = await remoteAs(api.tokens.exporter, "tokens", "list");
      expect(forbidden).toMatchObject({
        code: 4,
        stdout: "",
        stderr: expect.stringMatching(/^error: [^\n]+\n$/),
      });
    });

    it("answers every served command without a token with one unauthorized line (exit 4), writing nothing", async () => {
      for (const args of [
        [
          "payments",
          "invoice",
          "--id",
          "inv-x",
          "--order",
          "ord-alibaba-2",
          "--amount-cents",
          "1",
          "--issued-on",
          "2026-01-20",
        ],
        ["duty", "totals", "--from", "2026-01-01", "--to", "2026-01-31"],
        ["evidence", "view", "ord-alibaba-1"],
        ["lab", "revoke", "lab-r1", "--reason", "x", "--on", "2026-03-01"],
        ["screen", "Huawei"],
        ["dispositions", "list"],
        ["tokens", "list"],
      ]) {
        const answer = await remoteAs(null, ...args);
        expect(answer, args.join(" ")).toMatchObject({ code: 4, stdout: "" });
        expect(answer.stderr, args.join(" ")).toMatch(/^error: [^\n]+\n$/);
      }
      const after = await local(
        "payments",
        "invoice",
        "--id",
        "inv-x",
        "--order",
        "ord-alibaba-2",
        "--amount-cents",
        "1",
        "--issued-on",
        "2026-01-20",
      );
      expect(after.stdout).toBe("invoice inv-x: created\n");
    });
  },
  ["postgres"],
);
