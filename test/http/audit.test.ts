// GET /v1/audit/verify on a chain long enough to be verified in a worker thread: the verdict is the
// same as the store's own verifier, for an intact chain and for one with a changed entry.
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { inlineVerifyEntriesMax } from "../../src/adapters/http/audit-verify.ts";
import { type AuditEntry, nextEntry } from "../../src/core/audit/chain.ts";
import { roles } from "../../src/core/authorization/policy.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type Api, startApi } from "./support.ts";

forEachDriver("http audit verify", (env) => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(env.store(), `v${env.driver}`);
    // Append a long run of entries after the token entries, in one statement.
    const head = await env.store().query<{ seq: bigint; hash: string }>("SELECT seq, hash FROM audit_head");
    let previous = { seq: Number(head.rows[0]?.seq), hash: head.rows[0]?.hash ?? "" };
    const entries: AuditEntry[] = [];
    for (let i = 0; i < inlineVerifyEntriesMax + 500; i++) {
      const entry = nextEntry(previous, "2026-02-01T12:00:00.000Z", "test.filler", { i, note: "filler" });
      entries.push(entry);
      previous = entry;
    }
    await env.store().transaction(async (tx) => {
      await tx.query(
        `INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])`,
        [
          entries.map((e) => e.seq),
          entries.map((e) => e.at),
          entries.map((e) => e.kind),
          entries.map((e) => JSON.stringify(e.payload)),
          entries.map((e) => e.prevHash),
          entries.map((e) => e.hash),
        ],
      );
      await tx.query("UPDATE audit_head SET seq = $1, hash = $2", [previous.seq, previous.hash]);
    });
  });
  afterAll(async () => {
    await api?.server.close();
  });

  const verify = async () =>
    (await api.request("/v1/audit/verify", { token: api.tokens.auditor })).json() as Promise<
      Record<string, unknown>
    >;

  it("verifies the long chain: ok, every entry counted, the same verdict as the store's verifier", async () => {
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true, count: inlineVerifyEntriesMax + 500 + roles.length });
    expect(verdict).toEqual(await verifyAudit(env.store()));
  });

  it("finds a changed entry and names it", async () => {
    await env.store().query(`UPDATE audit_log SET payload = '{"i": 1, "note": "forged"}' WHERE seq = 10`);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: false, position: 10, seq: 10, reason: "changed" });
    expect(verdict).toEqual(await verifyAudit(env.store()));
  });

  it("compares with a head published elsewhere (?seq=&hash=)", async () => {
    const forged = await (
      await api.request(`/v1/audit/verify?seq=3&hash=${"a".repeat(64)}`, { token: api.tokens.auditor })
    ).json();
    expect(forged).toMatchObject({ ok: false });
  });
});
