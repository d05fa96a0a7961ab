// `sluice serve` as a user runs it: on a fresh embedded database, port 0, it prints the URL, serves
// /readyz and authenticated /v1 requests with a token made by `sluice tokens create`, and exits 0
// on SIGTERM after closing the database (which can then be opened again).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-serve-"));
const env = { ...process.env, SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" };

describe("sluice serve", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves the API until SIGTERM, then exits 0", { timeout: 300_000 }, async () => {
    // Only the commands that create a store may create one (issue #13): migrate first.
    expect(runCli(["db", "migrate"], { env }).code).toBe(0);
    const created = runCli(["tokens", "create", "--role", "auditor", "--json"], { env });
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/adapters/cli/main.ts", "serve", "--port", "0"],
      {
        cwd: new URL("../", import.meta.url),
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const match = /^sluice: serving (http:\/\/127\.0\.0\.1:\d+) \(docs \S+\/docs\) on pglite /m.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
    });
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ ok: true, driver: "pglite" });
    const verify = await fetch(`${url}/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
    expect(await verify.json()).toMatchObject({ ok: true, count: 1 });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The data directory lock was released: the CLI can open the database again.
    expect(runCli(["tokens", "list", "--json"], { env }).code).toBe(0);
  });

  it("refuses a bad port with one error line and exit code 2", () => {
    const bad = runCli(["serve", "--port", "http"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("error: port `http`: expected 0–65535");
  });
});
