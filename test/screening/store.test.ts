// Screening with the store, on both drivers: bundled lists seeded on a fresh store, a party screened
// on creation (Huawei alerts, Alibaba Cloud does not) and the hold that follows in a decision;
// then, on a small custom list: versions (hash, counts, idempotent re-import, audit), a bad file
// that changes nothing, dispositions that clear, expire, reopen when the entry changes and stay
// true matches, stored diffs, and re-screening after a new version.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { auditHead, readAudit, verifyAudit } from "../../src/adapters/db/audit.ts";
import { screeningSystemAudit, sqlScreeningRepos } from "../../src/adapters/db/screening/repository.ts";
import { storeListScreener } from "../../src/adapters/db/shipments/context.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { warmActiveLists } from "../../src/app/screening/active-index.ts";
import * as dispositions from "../../src/app/screening/dispositions.ts";
import { bundledListIds, loadBundledVersions } from "../../src/app/screening/lists.ts";
import { type PartyToScreen, screenParty } from "../../src/app/screening/parties.ts";
import type { ScreeningContext } from "../../src/app/screening/ports.ts";
import * as rescreen from "../../src/app/screening/rescreen.ts";
import * as versions from "../../src/app/screening/versions.ts";
import * as views from "../../src/app/screening/views.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { screeningFiles, screeningOn, shipmentContextOn } from "../../src/compose.ts";
import { parseDossier } from "../../src/core/dossier/schema.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { needsFourEyes } from "../../src/core/screening/dispositions.ts";
import type { ListVersion } from "../../src/core/screening/types.ts";
import { sha256Hex } from "../../src/core/screening/versions.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";

const t0 = new Date("2026-02-01T12:00:00Z");
/** Deciders as the HTTP edge names them: the token's id and role (never a body field). */
const reviewer = { id: "tok-reviewer", role: "compliance-reviewer" };
const regulator = { id: "tok-regulator", role: "us-regulator" };
const later = (days: number) => new Date(t0.getTime() + days * 86_400_000);
let ids = 0;
const newId = () => `d-${++ids}`;

/** The store's screening port as the system, at the instant `at` (ids from `newId`). */
const at_ = (store: Store, at: Date): ScreeningContext => ({ ...screeningOn(store, () => at)(), newId });
const ensureBundledLists = (store: Store, o: { at: Date }) => versions.ensureBundledLists(at_(store, o.at));
const importListVersion = (
  store: Store,
  path: string,
  format: "custom",
  { at, ...options }: { at: Date; listId?: string; source?: string; skipBadRows?: boolean },
) => versions.importListVersion(at_(store, at), path, format, options);
const diffStoredVersions = (store: Store, a: string, b: string) =>
  versions.diffStoredVersions(at_(store, t0), a, b);
const listVersionsStored = (store: Store) => versions.listVersionsStored(at_(store, t0));
const rescreenAll = (store: Store, { at, ...options }: { at: Date; batchSizeMax?: number }) =>
  rescreen.rescreenAll(at_(store, at), options);
const addDisposition = (
  store: Store,
  input: unknown,
  o: { at: Date; newId: () => string; decider: dispositions.Decider },
) => dispositions.addDisposition({ ...at_(store, o.at), newId: o.newId }, input, o.decider);
const listDispositions = (store: Store, { at, ...options }: { at: Date; partyId?: string }) =>
  dispositions.listDispositions(at_(store, at), options);
const partyReview = (store: Store, partyId: string, at: Date) => views.partyReview(at_(store, at), partyId);
const partyScreeningView = (store: Store, roles: Parameters<typeof views.partyScreeningView>[1], at: Date) =>
  at_(store, at).transactor.run((repos) => views.partyScreeningView(repos, roles, at));
const activeLists = (store: Store) => warmActiveLists(at_(store, t0));

/** What the lead's ShipmentService.addParty will do: insert the party and screen it, one transaction. */
async function createParty(store: Store, party: PartyToScreen & { country: string }, screen = true) {
  return store.transaction(
    async (tx) => {
      await tx.query(
        "INSERT INTO parties (id, name, country, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        [party.id, party.name, party.country, JSON.stringify(party), t0],
      );
      const repos = sqlScreeningRepos(tx, screeningSystemAudit);
      return screen
        ? screenParty(repos, screeningFiles, party, { at: t0, reason: "party_created" })
        : undefined;
    },
    { lockAuditChain: true },
  );
}

async function counts(store: Store) {
  const { rows } = await store.query<{ versions: bigint; entries: bigint; dispositions: bigint }>(
    `SELECT (SELECT count(*) FROM list_versions) AS versions, (SELECT count(*) FROM list_entries) AS entries,
            (SELECT count(*) FROM dispositions) AS dispositions`,
  );
  return { ...rows[0], head: await auditHead(store) };
}

async function failure(run: () => Promise<unknown>): Promise<SluiceError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SluiceError);
  return error as SluiceError;
}

let bundled: ListVersion[] | undefined;

forEachDriver("screening store: bundled lists", ({ store }) => {
  it("seeds the bundled lists once on a fresh store, with counts and hashes as parsed", async () => {
    const seeded = await ensureBundledLists(store(), { at: t0 });
    bundled ??= loadBundledVersions(screeningFiles, t0.toISOString());
    const expected = bundled;
    expect(seeded.map((v) => [v.listId, v.contentHash, v.entryCount, v.nameCount, v.active])).toEqual(
      expected.map((v) => [v.listId, v.contentHash, v.entryCount, v.nameCount, true]),
    );
    expect(seeded.find((v) => v.listId === bundledListIds.ofac)?.entryCount).toBe(8976);
    expect(await ensureBundledLists(store(), { at: later(1) })).toEqual([]);
    const audit = await readAudit(store());
    expect(audit.map((e) => e.kind)).toEqual(["list.imported", "list.imported", "list.imported"]);
  });

  it("screens a party on creation: Huawei alerts on the Entity List, Alibaba Cloud does not", async () => {
    const huawei = await createParty(store(), {
      id: "huawei",
      name: "Huawei Technologies Co., Ltd.",
      country: "CN",
    });
    const hit = huawei?.screening.hits.find((h) => h.entryId === "el-huawei-technologies");
    expect(hit?.listId).toBe(bundledListIds.entityList);
    expect(hit?.score).toBeGreaterThanOrEqual(0.95);
    expect(hit?.name).toBe("Huawei Technologies Co., Ltd.");
    expect(hit?.explanation.list.version).toBe(huawei?.screening.listVersions[0]?.version);
    expect(huawei?.newAlerts).toBe(huawei?.screening.hits.length);
    const alibaba = await createParty(store(), {
      id: "alibaba",
      name: "Alibaba Cloud Computing Co., Ltd.",
      country: "CN",
    });
    expect(alibaba?.screening.hits).toEqual([]);
    expect(alibaba?.screening.listVersions.map((v) => v.listId)).toEqual([
      "bis-entity-list-extract",
      "csl",
      "ofac-sdn",
    ]);
    await createParty(store(), { id: "nvidia", name: "NVIDIA Corporation", country: "US" });
    // Issue #13 point 6: a branch written in traditional characters is screened as the listed entity.
    const branch = await createParty(store(), {
      id: "huawei-sz",
      name: "華為技術有限公司深圳分公司",
      country: "CN",
    });
    expect(branch?.screening.hits[0]?.entryId).toBe("el-huawei-technologies");
    expect(branch?.screening.hits[0]?.score).toBeGreaterThanOrEqual(0.95);
    const screened = (await readAudit(store())).filter((e) => e.kind === "party.screened");
    expect(screened.map((e) => (e.payload as { partyId: string }).partyId)).toEqual([
      "huawei",
      "alibaba",
      "nvidia",
      "huawei-sz",
    ]);
  });

  it("holds the application while the hit is open, and approves once it is a false positive", async () => {
    const roles = { exporter: "nvidia", consignee: "huawei", endUser: "alibaba" } as const;
    const decide = async (at: Date) => {
      const screening = await partyScreeningView(store(), roles, at);
      const dossier = parseDossier({ ...exampleJson("h200-alibaba-approvable.json"), screening }, "test");
      return sharedEvaluator.evaluate(dossier, "2026-02-01");
    };
    const held = await decide(t0);
    expect(held.decision).toBe("hold");
    const finding = held.findings.find((f) => f.kind === "list-screening");
    expect(finding?.status).toBe("pending");
    expect(finding?.message).toMatch(/consignee ~ Huawei Technologies Co., Ltd./i);
    const review = await partyReview(store(), "huawei", t0);
    for (const { hit } of review?.review.hits ?? []) {
      await addDisposition(
        store(),
        {
          partyId: "huawei",
          listId: hit.listId,
          entryId: hit.entryId,
          decision: "false_positive",
          reason: "test: a different Huawei entity",
        },
        { at: t0, newId, decider: reviewer },
      );
    }
    // Four eyes: a strong Entity List / SDN hit dismissed by one reviewer stays open, and holds.
    const strong = (review?.review.hits ?? []).filter(({ hit }) => needsFourEyes(hit));
    expect(strong.length).toBeGreaterThan(0);
    expect((await decide(t0)).decision).toBe("hold");
    const pending = await partyReview(store(), "huawei", t0);
    expect(pending?.review.hits.filter((h) => h.status === "pending_second_review").length).toBe(
      strong.length,
    );
    // The same reviewer again does not count twice; a second reviewer does.
    for (const { hit } of strong) {
      const input = {
        partyId: "huawei",
        listId: hit.listId,
        entryId: hit.entryId,
        decision: "false_positive",
      };
      await addDisposition(store(), { ...input, reason: "again" }, { at: t0, newId, decider: reviewer });
    }
    expect((await decide(t0)).decision).toBe("hold");
    for (const { hit } of strong) {
      const input = {
        partyId: "huawei",
        listId: hit.listId,
        entryId: hit.entryId,
        decision: "false_positive",
      };
      const second = { id: "tok-second-reviewer", role: "compliance-reviewer" };
      await addDisposition(
        store(),
        { ...input, reason: "agreed" },
        { at: later(0.001), newId, decider: second },
      );
    }
    expect((await decide(later(0.002))).decision).toBe("approve");
    // A decider named in the body is refused by name, and changes nothing.
    const hit = strong[0]?.hit;
    const named = {
      partyId: "huawei",
      listId: hit?.listId,
      entryId: hit?.entryId,
      decision: "false_positive",
    };
    const refused = await failure(() =>
      addDisposition(
        store(),
        { ...named, reason: "x", decidedBy: "BIS Officer J. Smith" },
        {
          at: t0,
          newId,
          decider: reviewer,
        },
      ),
    );
    expect(refused.message).toMatch(/disposition at `decidedBy`: the decider is the authenticated principal/);
    expect((await verifyAudit(store())).ok).toBe(true);
  });
  it("plugs into the shipment path: apply screens the parties and holds on the Huawei hit until disposed", async () => {
    const clock = () => t0;
    const context = shipmentContextOn(store(), {
      clock,
      screenParties: storeListScreener({ clock, files: screeningFiles }),
    });
    const service = new ShipmentService(context);
    const example = exampleJson("h200-alibaba-approvable.json") as { parties: Record<string, object> };
    await service.addParty({ ...example.parties.exporter, id: "sp-exporter" });
    await service.addParty({
      ...example.parties.consignee,
      id: "sp-huawei",
      name: "Huawei Technologies Co., Ltd.",
    });
    const order = {
      id: "sp-order",
      productId: "nvidia-h200-sxm",
      quantityUnits: 1000,
      valueCents: "2700000000",
      exporterId: "sp-exporter",
      consigneeId: "sp-huawei",
      endUserId: "sp-huawei",
      route: { origin: "TW", exportFrom: "US", destination: "CN" },
      endUse: { purpose: "commercial-cloud" },
    };
    await service.createOrder(order);
    const screeningFinding = (decision: { findings: { kind: string; status: string; message: string }[] }) =>
      decision.findings.find((f) => f.kind === "list-screening");
    const held = await service.apply("sp-order", { id: "sp-app-1" });
    expect(held.decision.decision).not.toBe("approve");
    expect(screeningFinding(held.decision)).toMatchObject({ status: "pending" });
    expect(screeningFinding(held.decision)?.message).toMatch(/consignee ~ Huawei Technologies Co., Ltd./);
    const { rows } = await store().query<{ dossier: { screening: { listVersions: { listId: string }[] } } }>(
      "SELECT dossier FROM decisions WHERE id = 'sp-app-1'",
    );
    expect(rows[0]?.dossier.screening.listVersions.map((v) => v.listId)).toEqual([
      "bis-entity-list-extract",
      "csl",
      "ofac-sdn",
    ]);
    const review = await partyReview(store(), "sp-huawei", t0);
    expect(review?.screening.reason).toBe("party_created");
    for (const { hit } of review?.review.hits ?? []) {
      const input = { partyId: "sp-huawei", listId: hit.listId, entryId: hit.entryId };
      await addDisposition(
        store(),
        { ...input, decision: "false_positive", reason: "test" },
        { at: t0, newId, decider: regulator },
      );
    }
    const again = await service.apply("sp-order", { id: "sp-app-2" });
    expect(screeningFinding(again.decision)?.status).toBe("pass");
  });
});

const header = "id,name,aliases,country,address,source\n";
const v1 = `${header}t-1,Zhongshan Aurora Photonics Co Ltd,Aurora Photonics,CN,"Zhongshan, Guangdong",test list
t-2,Harbin Polar Compute Institute,,CN,Harbin,test list
`;
const v2 = `${header}t-1,Zhongshan Aurora Photonics Co Ltd,Aurora Photonics,CN,"Foshan, Guangdong",test list
t-2,Harbin Polar Compute Institute,,CN,Harbin,test list
t-3,Kestrel Lattice Systems Ltd,,SG,Singapore,test list
`;
const dir = mkdtempSync(join(tmpdir(), "sluice-lists-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const v1File = file("v1.csv", v1);
const v2File = file("v2.csv", v2);
const badFile = file("bad.csv", `${header}t-1,Good Name,,CN,,x\nt-2,,,CN,,x\n`);
const dupFile = file("dup.csv", `${header}t-1,Good Name,,CN,,x\nt-1,Other Name,,CN,,x\n`);

forEachDriver("screening store: workflow", ({ store }) => {
  const opts = { at: t0, listId: "test-list" };
  // The bundled lists are marked present so that this block screens against the small list only.
  const markBundledPresent = async () => {
    for (const listId of Object.values(bundledListIds)) {
      const hash = sha256Hex(listId);
      await store().query(
        `INSERT INTO list_versions (id, list_id, format, content_hash, entry_count, name_count, source,
           imported_at, active, superseded_by) VALUES ($1, $2, 'custom', $3, 0, 0, 'test', $4, false, NULL)`,
        [`${listId}@${hash}`, listId, hash, t0],
      );
    }
  };

  it("imports a version: hash, counts, active, audit; re-import answers exists and writes nothing", async () => {
    await markBundledPresent();
    const result = await importListVersion(store(), v1File, "custom", opts);
    const hash = sha256Hex(readFileSync(v1File));
    expect(result.status).toBe("created");
    expect(result.version).toMatchObject({
      id: `test-list@${hash}`,
      listId: "test-list",
      format: "custom",
      contentHash: hash,
      entryCount: 2,
      nameCount: 3,
      active: true,
    });
    const audit = await readAudit(store());
    expect(audit.at(-1)?.kind).toBe("list.imported");
    expect(audit.at(-1)?.payload).toMatchObject({
      versionId: `test-list@${hash}`,
      entryCount: 2,
      supersedes: null,
    });
    const before = await counts(store());
    const again = await importListVersion(store(), v1File, "custom", { ...opts, at: later(1) });
    expect(again.status).toBe("exists");
    expect(again.version.importedAt).toBe(t0.toISOString());
    expect(await counts(store())).toEqual(before);
  });

  it("a bad file changes nothing: rows and audit chain as before", async () => {
    const before = await counts(store());
    const bad = await failure(() => importListVersion(store(), badFile, "custom", opts));
    expect(bad.kind).toBe("bad_input");
    expect(bad.message).toMatch(/line 3/);
    const dup = await failure(() => importListVersion(store(), dupFile, "custom", opts));
    expect(dup.message).toMatch(/`t-1`/);
    const missing = await failure(() => importListVersion(store(), join(dir, "nope.csv"), "custom", opts));
    expect(missing.why).toBe("no such file");
    expect(await counts(store())).toEqual(before);
  });

  it("screens parties on creation against the active versions", async () => {
    const aurora = await createParty(store(), {
      id: "aurora",
      name: "Zhongshan Aurora Photonics Co., Ltd.",
      country: "CN",
    });
    expect(aurora?.screening.hits.map((h) => [h.listId, h.entryId])).toEqual([["test-list", "t-1"]]);
    expect(aurora?.screening.hits[0]?.explanation.list.version).toBe(sha256Hex(readFileSync(v1File)));
    await createParty(store(), { id: "aurora-hk", name: "Aurora Photonics", country: "HK" });
    await createParty(store(), { id: "harbin", name: "Harbin Polar Compute Institute", country: "CN" });
    const kestrel = await createParty(store(), {
      id: "kestrel",
      name: "Kestrel Lattice Systems",
      country: "SG",
    });
    expect(kestrel?.screening.hits).toEqual([]);
    await createParty(store(), { id: "unscreened", name: "Nobody Ltd", country: "CN" }, false);
    const view = await partyScreeningView(
      store(),
      { exporter: "kestrel", consignee: "aurora", endUser: "aurora" },
      t0,
    );
    expect(view).toEqual({
      screenedOn: "2026-02-01",
      listVersions: [{ listId: "test-list", version: sha256Hex(readFileSync(v1File)) }],
      hits: [
        {
          party: "consignee",
          listId: "test-list",
          entryId: "t-1",
          name: "Zhongshan Aurora Photonics Co Ltd",
          score: 1,
          explanation: expect.stringContaining("aurora→aurora (exact 1.00)"),
        },
        {
          party: "endUser",
          listId: "test-list",
          entryId: "t-1",
          name: "Zhongshan Aurora Photonics Co Ltd",
          score: 1,
          explanation: expect.stringContaining("aurora→aurora (exact 1.00)"),
        },
      ],
    });
    expect(
      await partyScreeningView(
        store(),
        { exporter: "unscreened", consignee: "aurora", endUser: "aurora" },
        t0,
      ),
    ).toBeUndefined();
  });

  it("records dispositions: validated, replayable, and shown in the dossier view", async () => {
    const fp = {
      id: "fp-aurora",
      partyId: "aurora",
      listId: "test-list",
      entryId: "t-1",
      decision: "false_positive",
      reason: "different company: Aurora Photonics of Zhongshan is a florist",
    };
    const before = await counts(store());
    expect(
      (
        await failure(() =>
          addDisposition(store(), { ...fp, reason: " " }, { at: t0, newId, decider: reviewer }),
        )
      ).message,
    ).toMatch(/reason/);
    const noHit = await failure(() =>
      addDisposition(store(), { ...fp, entryId: "t-2" }, { at: t0, newId, decider: reviewer }),
    );
    expect(noHit.kind).toBe("not_found");
    const past = { ...fp, expiresAt: "2026-01-01T00:00:00Z" };
    expect(
      (await failure(() => addDisposition(store(), past, { at: t0, newId, decider: reviewer }))).message,
    ).toMatch(/expiresAt/);
    const nobody = await failure(() =>
      addDisposition(store(), { ...fp, partyId: "ghost" }, { at: t0, newId, decider: reviewer }),
    );
    expect(nobody.message).toBe("party `ghost`: not found");
    expect(await counts(store())).toEqual(before);

    const added = await addDisposition(store(), fp, { at: t0, newId, decider: reviewer });
    expect(added.status).toBe("created");
    expect(added.disposition.entryFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(added.disposition.listVersion).toBe(sha256Hex(readFileSync(v1File)));
    expect((await addDisposition(store(), fp, { at: later(1), newId, decider: reviewer })).status).toBe(
      "exists",
    );
    const changed = await addDisposition(
      store(),
      { ...fp, reason: "other" },
      { at: t0, newId, decider: reviewer },
    );
    expect(changed.status).toBe("exists_with_different_reason");
    const view = await partyScreeningView(
      store(),
      { exporter: "kestrel", consignee: "aurora", endUser: "aurora" },
      t0,
    );
    expect(view?.hits.map((h) => h.disposition)).toEqual(["false-positive", "false-positive"]);
    const audit = await readAudit(store());
    expect(audit.at(-1)).toMatchObject({ kind: "disposition.recorded", payload: { id: "fp-aurora" } });
  });

  it("an expired disposition leaves the hit open again; a true match stays a true match", async () => {
    await addDisposition(
      store(),
      {
        partyId: "aurora-hk",
        listId: "test-list",
        entryId: "t-1",
        decision: "false_positive",
        reason: "reviewed for one quarter",
        expiresAt: later(30).toISOString(),
      },
      { at: t0, newId, decider: reviewer },
    );
    const roles = { exporter: "kestrel", consignee: "aurora-hk", endUser: "harbin" } as const;
    const now = await partyScreeningView(store(), roles, later(29));
    expect(now?.hits.find((h) => h.party === "consignee")?.disposition).toBe("false-positive");
    const expired = await partyScreeningView(store(), roles, later(30));
    expect(expired?.hits.find((h) => h.party === "consignee")?.disposition).toBeUndefined();
    const statuses = await listDispositions(store(), { at: later(31), partyId: "aurora-hk" });
    expect(statuses.map((s) => s.status)).toEqual(["expired"]);

    await addDisposition(
      store(),
      {
        partyId: "harbin",
        listId: "test-list",
        entryId: "t-2",
        decision: "true_match",
        reason: "same institute",
      },
      { at: t0, newId, decider: reviewer },
    );
    const view = await partyScreeningView(store(), roles, later(1));
    expect(view?.hits.find((h) => h.party === "endUser")?.disposition).toBe("true-match");
    const decision = sharedEvaluator.evaluate(
      parseDossier({ ...exampleJson("h200-alibaba-approvable.json"), screening: view }, "t"),
      "2026-02-01",
    );
    expect(decision.decision).toBe("deny");
  });

  it("diffs two stored versions; a new version re-screens: changed entry reopens, new name alerts", async () => {
    const imported = await importListVersion(store(), v2File, "custom", { ...opts, at: later(2) });
    const hash1 = sha256Hex(readFileSync(v1File));
    expect(imported.superseded).toBe(`test-list@${hash1}`);
    const { diff } = await diffStoredVersions(store(), hash1.slice(0, 10), imported.version.id);
    expect(diff.added.map((e) => e.entryId)).toEqual(["t-3"]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed.map((c) => [c.entryId, c.fields])).toEqual([["t-1", ["addresses"]]]);
    expect(diff.unchangedCount).toBe(1);
    const versions = await listVersionsStored(store());
    expect(versions.filter((v) => v.listId === "test-list").map((v) => v.active)).toEqual([false, true]);

    const report = await rescreenAll(store(), { at: later(2), batchSizeMax: 2 });
    // Open: kestrel's new hit, aurora's and aurora-hk's reopened ones; harbin's true match is in force.
    expect(report).toMatchObject({
      parties: 5,
      screened: 5,
      unchanged: 0,
      newAlerts: 1,
      openAlerts: 3,
      batches: 3,
    });
    expect(report.withAlerts).toBe(4);
    const kestrel = await partyReview(store(), "kestrel", later(2));
    expect(kestrel?.review.hits.map((r) => r.hit.entryId)).toEqual(["t-3"]);
    expect(kestrel?.review.outcome).toBe("open_alert");

    const aurora = await partyReview(store(), "aurora", later(2));
    expect(aurora?.review.hits.map((r) => r.status)).toEqual(["reopened_entry_changed"]);
    const roles = { exporter: "kestrel", consignee: "aurora", endUser: "harbin" } as const;
    const view = await partyScreeningView(store(), roles, later(2));
    expect(view?.listVersions).toContainEqual({ listId: "test-list", version: imported.version.contentHash });
    expect(view?.hits.map((h) => [h.party, h.entryId, h.disposition ?? null])).toEqual([
      ["exporter", "t-3", null],
      ["consignee", "t-1", null],
      ["endUser", "t-2", "true-match"],
    ]);
    const statuses = await listDispositions(store(), { at: later(2) });
    expect(statuses.map((s) => [s.disposition.partyId, s.status])).toEqual([
      ["aurora", "reopened_entry_changed"],
      ["aurora-hk", "reopened_entry_changed"],
      ["harbin", "active"],
    ]);

    const again = await rescreenAll(store(), { at: later(3) });
    expect(again).toMatchObject({ parties: 5, screened: 0, unchanged: 5, newAlerts: 0, openAlerts: 3 });
    expect((await activeLists(store()))?.versions.map((v) => v.listId)).toEqual(["test-list"]);
    expect((await verifyAudit(store())).ok).toBe(true);
  });

  it("two concurrent imports of one new file: one creates, the other answers exists", async () => {
    const path = file("concurrent.csv", `${header}c-1,Concurrent Listed Name,,CN,,x\n`);
    const results = await Promise.all(
      [0, 1].map(() => importListVersion(store(), path, "custom", { at: t0, listId: "concurrent" })),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["created", "exists"]);
    const { rows } = await store().query<{ n: bigint }>(
      "SELECT count(*) AS n FROM list_versions WHERE list_id = 'concurrent'",
    );
    expect(rows[0]?.n).toBe(1n);
  });
});
