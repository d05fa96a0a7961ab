// `sluice report` and `sluice report verify` as an officer runs them, each a new process on one
// embedded data directory: the report key made on first use (0600), a report and its FILE.sig, the
// check passing, then failing after a byte changes or with another key, one-line errors with exit
// code 2 for bad input, and a closed window written twice with the same bytes.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createScratch } from "../support/drivers.ts";

const mainFile = fileURLToPath(new URL("../../src/adapters/cli/main.ts", import.meta.url));
let scratch: Awaited<ReturnType<typeof createScratch>>;
let dataDir = "";
const out = mkdtempSync(join(tmpdir(), "sluice-report-cli-"));

function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", mainFile, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      SLUICE_DATA_DIR: dataDir,
      DATABASE_URL: "",
      SLUICE_NOW: "2026-03-02T12:00:00Z",
      ...env,
    },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  scratch = await createScratch("pglite");
  dataDir = String(scratch.config.dataDir);
});
afterAll(async () => {
  await scratch?.dispose();
});

it("writes a signed report, makes the key owner-only, and verifies it", { timeout: 240_000 }, () => {
  const file = join(out, "decisions.csv");
  const made = sluice([
    "report",
    "decisions",
    "--from",
    "2026-02-01",
    "--to",
    "2026-02-28",
    "--format",
    "csv",
    "--out",
    file,
  ]);
  expect(made.stderr).toBe("");
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(
    /^report decisions 2026-02-01\.\.2026-02-28: .*decisions\.csv \(\d+ bytes\), signature .*\.sig; checkpoint size 0/,
  );
  expect(readFileSync(file, "utf8")).toMatch(
    /^table,row,column,value\r\nreport,1,format,sluice-report\/1\r\n/,
  );
  expect(statSync(join(dataDir, "report-key.pem")).mode & 0o777).toBe(0o600);

  expect(sluice(["report", "verify", file])).toMatchObject({ code: 0, stdout: `${file}: signature valid\n` });

  const other = join(out, "other.pem");
  writeFileSync(other, generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }));
  expect(sluice(["report", "verify", file, "--key", other])).toMatchObject({
    code: 3,
    stdout: `${file}: signature not valid (other_key)\n`,
  });

  const bytes = readFileSync(file);
  bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 1;
  writeFileSync(file, bytes);
  expect(sluice(["report", "verify", file, "--json"])).toMatchObject({
    code: 3,
    stdout: expect.stringContaining('"status": "digest_mismatch"'),
  });
});

it("writes a closed window's PDF with the same bytes twice", { timeout: 240_000 }, () => {
  const first = join(out, "cap-1.pdf");
  const second = join(out, "cap-2.pdf");
  const args = ["report", "cap", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "pdf", "--out"];
  expect(sluice([...args, first]).code).toBe(0);
  expect(sluice([...args, second], { SLUICE_NOW: "2026-04-01T00:00:00Z" }).code).toBe(0);
  expect(readFileSync(first).equals(readFileSync(second))).toBe(true);
  expect(readFileSync(first).subarray(0, 5).toString()).toBe("%PDF-");
});

it("refuses bad input with one line and exit code 2, writing nothing", { timeout: 240_000 }, () => {
  const file = join(out, "never.json");
  for (const [args, line] of [
    [
      ["report", "diversion", "--from", "2026-02-01", "--to", "2026-02-28"],
      "error: report kind `diversion`: expected one of cap, decisions, duty, prepayments, lab-tests, china, custody\n",
    ],
    [
      ["report", "duty", "--from", "2026-02-28", "--to", "2026-02-01"],
      "error: report window 2026-02-28..2026-02-01: `from` must not be after `to`\n",
    ],
    [
      ["report", "duty", "--from", "2026-02-01", "--to", "2026-02-28", "--format", "xlsx"],
      "error: --format `xlsx`: expected one of json, csv, pdf\n",
    ],
    [["report", "duty", "--to", "2026-02-28"], "error: report: --from and --to are required (ISO dates)\n"],
    [
      ["report", "verify", join(out, "missing.pdf")],
      `error: file \`${join(out, "missing.pdf")}\`: no such file\n`,
    ],
  ] as const) {
    const result = sluice([...args, "--out", file]);
    expect(result, args.join(" ")).toMatchObject({ code: 2, stderr: line });
  }
  expect(existsSync(file)).toBe(false);

  const looseKey = join(out, "loose.pem");
  writeFileSync(looseKey, generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }));
  chmodSync(looseKey, 0o644);
  const loose = sluice(["report", "duty", "--from", "2026-02-01", "--to", "2026-02-28", "--out", file], {
    SLUICE_REPORT_KEY_FILE: looseKey,
  });
  expect(loose).toMatchObject({
    code: 2,
    stderr: `error: report key \`${looseKey}\`: readable by others (mode 644); chmod 600 it\n`,
  });
  expect(existsSync(file)).toBe(false);
});
