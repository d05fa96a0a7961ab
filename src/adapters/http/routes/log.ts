// The transparency log over HTTP, in the formats a verifier that shares no code with Sluice reads
// (docs/log.md): the C2SP verifier key and signed checkpoint as text/plain, an entry's bytes
// exactly as hashed into its leaf, and RFC 9162 inclusion and consistency proofs as
// {"hashes": [base64, …]}. Plus /v1/log/checkpoint.json for the web app. Every route needs a
// token (entries hold commercial data); every role may read the log.
import { createRoute, z } from "@hono/zod-openapi";
import type { LogReader, ProofOutcome } from "../../../app/log/ports.ts";
import { SluiceError } from "../../../core/errors.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

const textPlain = "text/plain; charset=utf-8";
/** Indices and sizes: non-negative integers a JavaScript number holds exactly. */
const count = () => z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const keyRoute = createRoute({
  method: "get",
  path: "/v1/log/key",
  tags: ["log"],
  summary: "the log's C2SP verifier key: <name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>",
  ...guarded("log.read"),
  responses: {
    200: { description: "the verifier key", content: { "text/plain": { schema: z.string() } } },
    503: { description: "this server has no log key" },
  },
});

const checkpointRoute = createRoute({
  method: "get",
  path: "/v1/log/checkpoint",
  tags: ["log"],
  summary: "the latest checkpoint as a C2SP signed note (log signature, then witness cosignatures)",
  ...guarded("log.read"),
  responses: {
    200: { description: "the signed note", content: { "text/plain": { schema: z.string() } } },
    404: { description: "no checkpoint signed yet" },
  },
});

const checkpointJsonSchema = z.object({
  origin: z.string(),
  size: z.number().int(),
  rootHash: z.string().meta({ description: "base64 of the 32-byte Merkle root" }),
  signedAt: z.string(),
  witnessed: z.boolean().meta({ description: "whether witnessQuorum cosignatures are on the note" }),
  cosigners: z.array(z.string()).meta({ description: "the witnesses whose cosignatures the note carries" }),
  witnessQuorum: z
    .number()
    .int()
    .nonnegative()
    .meta({ description: "cosignatures required for witnessed (0: no witness configured)" }),
  note: z.string(),
});

const checkpointJsonRoute = createRoute({
  method: "get",
  path: "/v1/log/checkpoint.json",
  tags: ["log"],
  summary: "the latest checkpoint's fields, when it was signed and who cosigned it (for dashboards)",
  ...guarded("log.read"),
  responses: {
    200: { description: "the checkpoint", content: { "application/json": { schema: checkpointJsonSchema } } },
    404: { description: "no checkpoint signed yet" },
  },
});

const entryRoute = createRoute({
  method: "get",
  path: "/v1/log/entries/{index}",
  tags: ["log"],
  summary: "one entry's bytes exactly as hashed into its leaf (RFC 8785 JSON of kind, at, actor, payload)",
  ...guarded("log.read"),
  request: { params: z.object({ index: count() }) },
  responses: {
    200: {
      description: "the entry's bytes",
      content: { "application/octet-stream": { schema: z.string() } },
    },
    404: { description: "no entry at this index in the tree" },
  },
});

const hashesSchema = z.object({ hashes: z.array(z.string()) });

const inclusionRoute = createRoute({
  method: "get",
  path: "/v1/log/proofs/inclusion",
  tags: ["log"],
  summary: "RFC 9162 inclusion proof of the entry at `index` in the tree of `size` entries",
  ...guarded("log.read"),
  request: { query: z.object({ index: count(), size: count() }) },
  responses: {
    200: { description: "the proof", content: { "application/json": { schema: hashesSchema } } },
    400: { description: "index not below size, or size above the latest checkpoint" },
  },
});

const consistencyRoute = createRoute({
  method: "get",
  path: "/v1/log/proofs/consistency",
  tags: ["log"],
  summary: "RFC 9162 consistency proof from the tree of `from` entries to the tree of `size` entries",
  ...guarded("log.read"),
  request: { query: z.object({ from: count(), size: count() }) },
  responses: {
    200: { description: "the proof", content: { "application/json": { schema: hashesSchema } } },
    400: { description: "from above size, or size above the latest checkpoint" },
  },
});

function proofOrRefusal(outcome: ProofOutcome, args: string): { hashes: string[] } {
  if (outcome.status === "ok") return { hashes: outcome.hashes };
  const why = {
    index_not_below_size: "the index must be below the size",
    size_above_tree: `the size is above the latest checkpoint's (${outcome.size})`,
    from_above_size: "from must not be above size",
  }[outcome.status];
  throw new SluiceError("bad_input", `proof ${args}`, why, outcome.status);
}

const noCheckpoint = () => new SluiceError("not_found", "log checkpoint", "none signed yet");

export function registerLogRoutes(log: LogReader): RouteModule {
  return (app) => {
    app.openapi(keyRoute, (c) => {
      const key = log.verifierKey();
      if (!key) throw new SluiceError("unavailable", "log key", "this server has no log key", "no_log_key");
      return c.body(`${key}\n`, 200, { "content-type": textPlain });
    });
    app.openapi(checkpointRoute, async (c) => {
      const status = await log.checkpointStatus();
      if (!status) throw noCheckpoint();
      return c.body(status.note, 200, { "content-type": textPlain });
    });
    app.openapi(checkpointJsonRoute, async (c) => {
      const status = await log.checkpointStatus();
      if (!status) throw noCheckpoint();
      return sendJson(c, status);
    });
    app.openapi(entryRoute, async (c) => {
      const { index } = c.req.valid("param");
      const entry = await log.entry(index);
      if (entry === undefined)
        throw new SluiceError("not_found", `log entry \`${index}\``, "not in the tree");
      return c.body(entry, 200, { "content-type": "application/octet-stream" });
    });
    app.openapi(inclusionRoute, async (c) => {
      const { index, size } = c.req.valid("query");
      const outcome = await log.inclusionProof(index, size);
      return sendJson(c, proofOrRefusal(outcome, `index=${index}&size=${size}`));
    });
    app.openapi(consistencyRoute, async (c) => {
      const { from, size } = c.req.valid("query");
      const outcome = await log.consistencyProof(from, size);
      return sendJson(c, proofOrRefusal(outcome, `from=${from}&size=${size}`));
    });
  };
}

export const registerLog: RouteModule = (app, services) => registerLogRoutes(services.log)(app, services);
