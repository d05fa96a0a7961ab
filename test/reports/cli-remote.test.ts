// `sluice report KIND --server URL`: the report issued by the server as the token's principal,
// written with its detached signature exactly as the API answers it, checked by `report verify
// --server`; a kind outside the token's jurisdiction is refused with the server's 403 as the
// local exit code for forbidden.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { exitCodeByKind, exitCodes } from "../../src/core/errors.ts";
import { verifyReport } from "../../src/core/reports/signature.ts";
import { type Api, startApi } from "../http/support.ts";
import { runCliInProcess } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";

const out = mkdtempSync(join(tmpdir(), "sluice-report-remote-"));
const window = ["--from", "2026-01-01", "--to", "2026-01-31"];

forEachDriver(
  "sluice report through --server",
  (env) => {
    let api: Api;
    const remote = (token: string, ...args: string[]) =>
      runCliInProcess([...args, "--server", api.server.url, "--token", token]);
    beforeAll(async () => {
      api = await startApi(env.store(), `report-remote-${env.driver}`);
    }, 120_000);
    afterAll(async () => {
      await api?.server.close();
    });

    it("writes the server's report and signature, which verify against the server's key", async () => {
      const file = join(out, "custody.csv");
      const made = await remote(
        api.tokens["us-regulator"],
        "report",
        "custody",
        ...window,
        "--format",
        "csv",
        "--out",
        file,
      );
      expect(made.stderr).toBe("");
      expect(made.code).toBe(exitCodes.ok);
      expect(made.stdout).toMatch(
        /^report custody 2026-01-01\.\.2026-01-31: .*custody\.csv \(\d+ bytes\), signature .*custody\.csv\.sig; checkpoint size \d+ root /,
      );
      const bytes = readFileSync(file);
      expect(bytes.toString("utf8")).toContain("report,1,issuer_role,us-regulator\r\n");
      const key = (await (
        await fetch(`${api.server.url}/v1/reports/key`, {
          headers: { authorization: `Bearer ${api.tokens.auditor}` },
        })
      ).json()) as { publicKeyPem: string };
      expect(verifyReport(bytes, readFileSync(`${file}.sig`, "utf8"), key.publicKeyPem)).toBe("valid");
      const verified = await remote(api.tokens.auditor, "report", "verify", file);
      expect(verified).toMatchObject({ code: exitCodes.ok, stdout: `${file}: signature valid\n` });
    });

    it("answers the server's refusal with the local exit code", async () => {
      const refused = await remote(
        api.tokens.importer,
        "report",
        "cap",
        ...window,
        "--out",
        join(out, "never.json"),
      );
      expect(refused.code).toBe(exitCodeByKind.forbidden);
      expect(refused.stderr).toMatch(/^error: /);
      const bad = await remote(
        api.tokens.admin,
        "report",
        "cap",
        "--from",
        "2026-02-10",
        "--to",
        "2026-02-01",
      );
      expect(bad).toMatchObject({
        code: exitCodes.badInput,
        stderr: "error: report window 2026-02-10..2026-02-01: `from` must not be after `to`\n",
      });
    });
  },
  ["pglite"],
);
