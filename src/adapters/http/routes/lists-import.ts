// POST /v1/lists: import a restricted-party list version (CSL CSV/JSON, OFAC or custom CSV, sent as
// text), then re-screen every party against the new active versions. Validated whole before
// anything is stored; the same bytes again answer `exists`. Files over the API's body limit (the
// full OFAC SDN list is larger) are imported with `sluice lists import`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRoute, z } from "@hono/zod-openapi";
import { rescreenAll } from "../../../app/screening/rescreen.ts";
import { importListVersion } from "../../../app/screening/versions.ts";
import { actorOf } from "../actor.ts";
import { guarded } from "../auth.ts";
import { recordIdempotentAfter } from "../idempotency.ts";
import { sendJson, toJsonText } from "../json.ts";
import type { RouteModule } from "./types.ts";

const importBodySchema = z.strictObject({
  format: z
    .enum(["csl", "custom"])
    .meta({ description: "OFAC files (three per version) are imported with the CLI" }),
  content: z.string().min(1).meta({ description: "the list file as text (UTF-8)" }),
  listId: z.string().min(1).max(64).optional().meta({ description: "required for custom lists" }),
  skipBadRows: z.boolean().default(false),
});

/** The import's status (created, exists …), the list version's fields, and the re-screening run. */
const importAnswerSchema = z.looseObject({
  status: z.string(),
  rescreen: z.looseObject({}).nullable().meta({ description: "the re-screening a new version started" }),
});

const importRoute = createRoute({
  method: "post",
  path: "/v1/lists",
  tags: ["screening"],
  summary: "import a list version and re-screen every party against it",
  ...guarded("lists.write"),
  request: { body: { required: true, content: { "application/json": { schema: importBodySchema } } } },
  responses: {
    201: { description: "a new version", content: { "application/json": { schema: importAnswerSchema } } },
    200: {
      description: "these bytes were imported before",
      content: { "application/json": { schema: importAnswerSchema } },
    },
  },
});

export const registerListsImport: RouteModule = (app, { screenings, clock }) => {
  app.openapi(importRoute, async (c) => {
    const body = c.req.valid("json");
    const at = clock();
    const dir = mkdtempSync(join(tmpdir(), "sluice-list-"));
    try {
      const json = body.format === "csl" && body.content.trimStart().startsWith("{");
      const path = join(dir, json ? "list.json" : "list.csv");
      writeFileSync(path, body.content);
      // The temporary file is an implementation detail: the record names the upload instead.
      const source = `upload to POST /v1/lists (${body.format})`;
      // One instant for the request: the import, the re-screening and the idempotency record.
      const screening = { ...screenings(actorOf(c)), clock: () => at };
      const options = {
        source,
        skipBadRows: body.skipBadRows,
        ...(body.listId ? { listId: body.listId } : {}),
      };
      const imported = await importListVersion(screening, path, body.format, options);
      const rescreen = imported.status === "created" ? await rescreenAll(screening) : null;
      const answer = JSON.parse(toJsonText({ ...imported, rescreen }));
      const status = imported.status === "created" ? 201 : 200;
      await recordIdempotentAfter(c, status, answer, at);
      return sendJson(c, answer, status);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
};
