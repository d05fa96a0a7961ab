// The ledger CLI end to end (PostgreSQL scratch schema through DATABASE_URL; SLUICE_NOW pins the
// clock): us-ship, ledger reserve/post, quota, import us-shipments with a bad line, audit verify,
// and the exit codes of refusals and bad input.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { forEachDriver } from "../support/drivers.ts";

const bin = fileURLToPath(new URL("../../bin/sluice.mjs", import.meta.url));

forEachDriver(
  "ledger CLI",
  (env) => {
    const sluice = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { ...process.env, ...env.config().env, SLUICE_NOW: "2026-02-10T12:00:00Z" } },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });

    it("records, reserves, refuses, reports quota, and verifies the audit log", async () => {
      expect(
        (
          await sluice(
            "us-ship",
            "c-u1",
            "--product",
            "nvidia-h200-sxm",
            "--units",
            "100",
            "--shipped-on",
            "2026-02-01",
          )
        ).code,
      ).toBe(0);
      const reserved = await sluice(
        "ledger",
        "reserve",
        "c-r1",
        "--product",
        "nvidia-h200-sxm",
        "--units",
        "40",
        "--json",
      );
      expect(reserved.code).toBe(0);
      expect(JSON.parse(reserved.stdout)).toEqual({ status: "ok", amount: "40" });
      const refused = await sluice(
        "ledger",
        "reserve",
        "c-r2",
        "--product",
        "nvidia-h200-sxm",
        "--units",
        "11",
      );
      expect(refused).toMatchObject({ code: 4, stderr: "error: reservation `c-r2`: exceeds cap\n" });
      const negative = await sluice(
        "ledger",
        "reserve",
        "c-r3",
        "--product",
        "nvidia-h200-sxm",
        "--units",
        "-1",
      );
      expect(negative).toMatchObject({
        code: 2,
        stderr: "error: reservation `c-r3`: units must be positive\n",
      });
      const unknown = await sluice("ledger", "reserve", "c-r4", "--product", "no-such", "--units", "1");
      expect(unknown).toMatchObject({ code: 2, stderr: "error: product `no-such`: unknown product\n" });
      expect((await sluice("ledger", "post", "c-r1")).code).toBe(0);
      expect((await sluice("ledger", "void", "c-r1")).code).toBe(3);
      const quota = JSON.parse((await sluice("quota", "--product", "nvidia-h200-sxm", "--json")).stdout);
      expect(quota.accounts).toEqual([
        {
          account: "units/product:nvidia-h200-sxm/since:2026-01-15",
          ratioPercent: 50,
          usPosted: "100",
          cnPending: "0",
          cnPosted: "40",
          headroom: "10",
          blocked: false,
        },
      ]);
      const csv = join(tmpdir(), `sluice-cli-${Date.now()}.csv`);
      writeFileSync(
        csv,
        "id,product_id,quantity_units,shipped_on\nc-i1,nvidia-h200-sxm,5,2026-02-02\nc-i2,nvidia-h200-sxm,five,2026-02-02\n",
      );
      const bad = await sluice("import", "us-shipments", csv);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^error: file `.*`: 1 bad line, nothing imported \(line 3: quantity_units `five` is not an integer\)/,
      );
      const skipped = await sluice("import", "us-shipments", csv, "--skip-bad-lines", "--json");
      expect(JSON.parse(skipped.stdout)).toMatchObject({ posted: 1, existing: 0 });
      const verify = await sluice("audit", "verify", "--json");
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, count: 4 });
    });
  },
  ["postgres"],
);
