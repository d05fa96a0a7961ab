// POST /v1/evaluate in worker threads: the pool answers exactly as the inline path does (every
// example, several days and scenario mixes, every kind of refusal), over real HTTP too; a worker
// that dies fails only its requests in flight and is replaced; a bug is a 500 and the worker goes
// on; past the in-flight limit the pool answers 503; a closed pool refuses.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/db/open.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { loadCatalog, loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { EvaluationPool, inlineEvaluation } from "../../src/adapters/http/evaluate-pool.ts";
import { evaluateRequestText } from "../../src/adapters/http/evaluate-request.ts";
import { toJsonText } from "../../src/adapters/http/json.ts";
import { Evaluator } from "../../src/app/evaluation/evaluator.ts";
import type { Role } from "../../src/core/authorization/policy.ts";
import { parseDossier } from "../../src/core/dossier/schema.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { repoRoot } from "../support/cli.ts";
import { type Api, startApi } from "./support.ts";

const rulebooks = loadRulebooks();
const catalog = loadCatalog();
const evaluator = new Evaluator(rulebooks, catalog);
const examples = readdirSync(`${repoRoot}examples`)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(`${repoRoot}examples/${file}`, "utf8")) as Record<string, unknown>);
const scenarioIds = rulebooks.filter((book) => book.scenario).map((book) => book.id);

/** Bodies that cover decisions on several days and scenario mixes, and every refusal. */
const bodies: string[] = [
  ...examples.flatMap((dossier) =>
    ["2026-01-10", "2026-01-14", "2026-02-01", undefined].map((at) => JSON.stringify({ dossier, at })),
  ),
  ...scenarioIds.map((id, i) => JSON.stringify({ dossier: examples[i % examples.length], scenarios: [id] })),
  "{not json",
  "",
  JSON.stringify({ dossier: { ...examples[0], id: 7 }, at: "2026-13-01", extra: true }),
  JSON.stringify({ dossier: { ...examples[0], product: { id: "no-such-chip" } } }),
  JSON.stringify({ dossier: examples[0], scenarios: ["no-such-scenario"] }),
];

const faultyWorker = new URL("./fixtures/evaluate-worker-faults.ts", import.meta.url);
const newPool = (options: { threads?: number; inFlightMax?: number; faults?: boolean } = {}) =>
  new EvaluationPool({
    threads: options.threads ?? 2,
    rulebooks,
    products: catalog.all(),
    ...(options.faults ? { workerModule: faultyWorker } : {}),
    ...(options.inFlightMax ? { inFlightMax: options.inFlightMax } : {}),
    logError: () => {},
  });

/** An outcome, or the error it was refused with, as plain data. */
const settled = (promise: Promise<unknown>) =>
  promise.then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({
      error: error instanceof SluiceError ? { kind: error.kind, code: error.code } : String(error),
    }),
  );

describe("evaluateRequestText", () => {
  it("gives the decision's JSON, or says why there is none", () => {
    const dossier = examples.find((d) => d.id !== undefined) ?? {};
    const decided = evaluateRequestText(
      evaluator,
      JSON.stringify({ dossier, at: "2026-02-01" }),
      "2030-01-01",
    );
    const expected = toJsonText(evaluator.evaluate(parseDossier(dossier, "x"), "2026-02-01", []));
    expect(decided).toEqual({ outcome: "decided", json: expected });
    expect(evaluateRequestText(evaluator, "{not json", "2026-02-01")).toEqual({ outcome: "malformed_json" });
    const invalid = evaluateRequestText(evaluator, bodies.at(-3) ?? "", "2026-02-01");
    expect(invalid.outcome).toBe("invalid");
    if (invalid.outcome === "invalid")
      expect(invalid.issues.map((issue) => issue.path.join("."))).toEqual(
        expect.arrayContaining(["dossier.id", "at", ""]),
      );
    expect(evaluateRequestText(evaluator, bodies.at(-2) ?? "", "2026-02-01")).toMatchObject({
      outcome: "refused",
      error: { kind: "not_found" },
    });
  });

  it("decides on `today` when neither `at` nor submittedOn names a day", () => {
    const { submittedOn: _none, ...dossier } = examples[0] ?? {};
    const result = evaluateRequestText(evaluator, JSON.stringify({ dossier }), "2026-01-10");
    expect(result.outcome === "decided" && JSON.parse(String(result.json)).at).toBe("2026-01-10");
  });
});

describe("the evaluation pool", () => {
  let pool: EvaluationPool;
  beforeAll(() => {
    pool = newPool({ faults: true });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("answers every body exactly as the inline path does", async () => {
    const inline = inlineEvaluation(evaluator);
    const today = "2026-02-01";
    // A worker answers a decision's JSON as UTF-8 bytes, inline as text: the same text either way.
    const asText = (result: { outcome?: unknown; error?: unknown }) => {
      const outcome = result.outcome as { outcome: string; json?: unknown } | undefined;
      if (outcome?.outcome !== "decided") return result;
      expect(outcome.json).toBeInstanceOf(Uint8Array);
      return { outcome: { ...outcome, json: new TextDecoder().decode(outcome.json as Uint8Array) } };
    };
    const pooled = (await Promise.all(bodies.map((body) => settled(pool.run(body, today))))).map(asText);
    const direct = await Promise.all(bodies.map((body) => settled(inline.run(body, today))));
    expect(pooled).toEqual(direct);
    expect(
      pooled.filter((r) => "outcome" in r && (r.outcome as { outcome: string }).outcome === "decided").length,
    ).toBeGreaterThan(30);
  });

  it("fails only the requests of a worker that dies, replaces it, and goes on", async () => {
    expect(pool.threads).toBe(2);
    const valid = bodies[0] ?? "";
    const results = await Promise.all([
      settled(pool.run("exit", "2026-02-01")),
      settled(pool.run(valid, "2026-02-01")),
    ]);
    expect(results[0]).toEqual({ error: expect.stringContaining("exited with code 7") });
    expect(results[1]).toMatchObject({ outcome: { outcome: "decided" } });
    expect(pool.threads).toBe(2);
    const after = await Promise.all(Array.from({ length: 6 }, () => pool.run(valid, "2026-02-01")));
    expect(after.every((r) => r.outcome === "decided")).toBe(true);
  });

  it("answers a bug in the evaluation as an error, and the worker keeps evaluating", async () => {
    const buggy = JSON.stringify({ dossier: { ...examples[0], id: "bug" } });
    expect(await settled(pool.run(buggy, "2026-02-01"))).toEqual({
      error: expect.stringContaining("a bug in the evaluation"),
    });
    expect((await pool.run(bodies[0] ?? "", "2026-02-01")).outcome).toBe("decided");
  });

  it("refuses past its in-flight limit (503), then serves again", async () => {
    const small = newPool({ threads: 1, inFlightMax: 2, faults: true });
    try {
      const held = [small.run("sleep:300", "2026-02-01"), small.run(bodies[0] ?? "", "2026-02-01")];
      expect(await settled(small.run(bodies[0] ?? "", "2026-02-01"))).toEqual({
        error: { kind: "unavailable", code: "evaluation_busy" },
      });
      await Promise.all(held);
      expect((await small.run(bodies[0] ?? "", "2026-02-01")).outcome).toBe("decided");
    } finally {
      await small.close();
    }
    expect(await settled(small.run(bodies[0] ?? "", "2026-02-01"))).toEqual({
      error: { kind: "unavailable", code: "evaluation_unavailable" },
    });
  });
});

describe("POST /v1/evaluate through a server with worker threads", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-evaluate-pool-"));
  let store: Store;
  let pooled: Api;
  let inline: Api;
  let faulty: Api;
  const faultyPool = newPool({ threads: 1, inFlightMax: 2, faults: true });
  beforeAll(async () => {
    store = await openStore({ dataDir });
    pooled = await startApi(store, "p", { evaluateThreads: 2 });
    inline = await startApi(store, "i");
    faulty = await startApi(store, "f", { evaluation: faultyPool });
  });
  afterAll(async () => {
    await pooled?.server.close();
    await inline?.server.close();
    await faulty?.server.close();
    await faultyPool.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Status, content type and body of one request, to compare both servers' answers. */
  const answer = async (api: Api, body: string, headers: Record<string, string>, token?: Role | null) => {
    const response = await api.request("/v1/evaluate", {
      method: "POST",
      body,
      headers,
      ...(token === undefined ? {} : { token: token === null ? null : api.tokens[token] }),
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      body: await response.text(),
    };
  };

  it("answers as the inline server does, to the byte, valid or not", async () => {
    expect(pooled.server.evaluateThreads).toBe(2);
    expect(inline.server.evaluateThreads).toBe(0);
    const json = { "content-type": "application/json" };
    const cases: [string, Record<string, string>, (Role | null)?][] = [
      ...bodies.map((body): [string, Record<string, string>] => [body, json]),
      [bodies[0] ?? "", { "content-type": "text/plain" }],
      [bodies[0] ?? "", { "content-type": "application/json; charset=utf-8" }],
      [bodies[0] ?? "", json, null],
      [bodies[0] ?? "", json, "lab"],
    ];
    const statuses = new Set<number>();
    for (const [body, headers, token] of cases) {
      const [a, b] = await Promise.all([
        answer(pooled, body, headers, token),
        answer(inline, body, headers, token),
      ]);
      expect(a, body.slice(0, 60)).toEqual(b);
      statuses.add(a.status);
    }
    expect([...statuses].sort()).toEqual([200, 400, 401, 403, 404, 415]);
  });

  it("answers a dead worker's request 500, a full pool 503, and then serves again", async () => {
    const post = (body: string) =>
      faulty.request("/v1/evaluate", {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    const died = await post("exit");
    expect(died.status).toBe(500);
    expect(await died.json()).toMatchObject({ code: "internal" });
    const held = [post("sleep:400"), post("sleep:400")];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await post(bodies[0] ?? "");
    expect(busy.status).toBe(503);
    expect(await busy.json()).toMatchObject({ code: "evaluation_busy" });
    await Promise.all(held);
    const served = await post(bodies[0] ?? "");
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ decision: expect.any(String) });
  });

  it("reuses answer buffers only once written: many concurrent answers, each its own request's", async () => {
    const base = examples[0] ?? {};
    const ids = Array.from({ length: 400 }, (_, i) => `concurrent-${i}-${"x".repeat(i % 50)}`);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const response = await pooled.request("/v1/evaluate", {
          method: "POST",
          body: { dossier: { ...base, id }, at: "2026-02-01" },
        });
        return { id, status: response.status, text: await response.text() };
      }),
    );
    for (const { id, status, text } of answers) {
      expect(status).toBe(200);
      const decision = JSON.parse(text) as { dossierId: string };
      expect(decision.dossierId).toBe(id);
      expect(text).toBe(
        await (
          await inline.request("/v1/evaluate", {
            method: "POST",
            body: { dossier: { ...base, id }, at: "2026-02-01" },
          })
        ).text(),
      );
    }
  });
});
