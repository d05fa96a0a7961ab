// Reviewers' dispositions of screening hits: recorded against a hit of the party's latest
// screening (bound to the listed entry's fingerprint and list version, with a
// `disposition.recorded` audit entry; a replayed id answers `exists`), and listed with how each
// stands now (active, expired, reopened because the entry changed, superseded …).
import { z } from "zod";
import { badInput, notFound, quote } from "../../core/errors.ts";
import { dispositionDecisions, reviewedStatus } from "../../core/screening/dispositions.ts";
import { parseInput } from "../../core/validation.ts";
import { alertKey } from "./parties.ts";
import type { ScreeningContext, StoredDisposition, StoredScreening } from "./ports.ts";
import { screeningWrite } from "./versions.ts";

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const dispositionInputSchema = z.strictObject({
  id: z.string().regex(idPattern, "expected 1–128 letters, digits, `.`, `_`, `:` or `-`").optional(),
  partyId: z.string().min(1),
  listId: z.string().min(1),
  entryId: z.string().min(1),
  decision: z.enum(dispositionDecisions),
  reason: z.string().trim().min(1, "a reason is required").max(2000),
  // Who decided comes from the credential, never from the body (issue #13): a `decidedBy` field is
  // refused by name (refuseBodyDecider) so a caller cannot sign for someone else.
  decidedBy: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "refused: the decider is the token's principal" }),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type DispositionInput = z.input<typeof dispositionInputSchema>;

export type AddDispositionStatus = "created" | "exists" | `exists_with_different_${string}`;

const replayFields = ["partyId", "listId", "entryId", "decision", "reason", "expiresAt"] as const;
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function replayStatus(stored: StoredDisposition, incoming: Record<string, unknown>): AddDispositionStatus {
  for (const field of replayFields) {
    const a = stored[field];
    const b = incoming[field];
    const same =
      field === "expiresAt" && typeof a === "string" && typeof b === "string"
        ? Date.parse(a) === Date.parse(b)
        : a === b;
    if (!same) return `exists_with_different_${snake(field)}`;
  }
  return "exists";
}

/**
 * Records a reviewer's decision on a hit of the party's latest screening. The disposition binds
 * to the hit's entry fingerprint and list version; `decision` is false_positive or true_match.
 * A replayed id answers `exists` (or `exists_with_different_<field>`) and changes nothing.
 */
export interface Decider {
  /** The authenticated principal that decides: its token id (or a CLI operator) and role. */
  readonly id: string;
  readonly role: string;
}

export type AddDispositionResult = { status: AddDispositionStatus; disposition: StoredDisposition };

function parseDisposition(input: unknown, decider: Decider, at: Date): ParsedDisposition {
  const parsed = parseInput(dispositionInputSchema, input, "disposition");
  if (parsed.decidedBy !== undefined)
    throw badInput(
      "disposition at `decidedBy`",
      `the decider is the authenticated principal (${decider.role} ${quote(decider.id)}), never a body field`,
      "decider_from_credential",
    );
  if (parsed.expiresAt !== undefined && Date.parse(parsed.expiresAt) <= at.getTime())
    throw badInput("disposition at `expiresAt`", "must be after the time of the decision");
  return parsed;
}

type ParsedDisposition = z.output<typeof dispositionInputSchema>;

export async function addDisposition(
  context: ScreeningContext,
  input: unknown,
  decider: Decider,
): Promise<AddDispositionResult> {
  const at = context.clock();
  const parsed = parseDisposition(input, decider, at);
  const id = parsed.id ?? context.newId();
  return context.transactor.run(async ({ screening: rows, audit }): Promise<AddDispositionResult> => {
    const stored = await rows.loadDisposition(id);
    if (stored) return { status: replayStatus(stored, parsed), disposition: stored };
    if (!(await rows.loadScreenedParty(parsed.partyId))) throw notFound(`party ${quote(parsed.partyId)}`);
    const what = `hit on ${quote(parsed.listId)} entry ${quote(parsed.entryId)} for party ${quote(parsed.partyId)}`;
    const latest = (await rows.latestScreenings([parsed.partyId])).get(parsed.partyId);
    if (!latest) throw notFound(what, "the party has not been screened");
    const hit = latest.hits.find((h) => h.listId === parsed.listId && h.entryId === parsed.entryId);
    if (!hit) throw notFound(what, "not among the alerts of the party's latest screening");
    const disposition: StoredDisposition = {
      id,
      partyId: parsed.partyId,
      listId: parsed.listId,
      entryId: parsed.entryId,
      entryFingerprint: hit.entryFingerprint,
      decision: parsed.decision,
      reason: parsed.reason,
      decidedBy: decider.id,
      decidedByRole: decider.role,
      decidedAt: at.toISOString(),
      ...(parsed.expiresAt === undefined ? {} : { expiresAt: new Date(parsed.expiresAt).toISOString() }),
      listVersion: hit.explanation.list.version,
      screeningId: latest.id,
    };
    await rows.insertDisposition(disposition);
    await audit.append("disposition.recorded", disposition, at);
    return { status: "created", disposition };
  }, screeningWrite);
}

/** How a stored disposition stands now, against the party's latest screening. */
export const dispositionViewStatuses = [
  "active",
  "pending_second_review",
  "expired",
  "reopened_entry_changed",
  "no_current_hit",
  "superseded",
] as const;
export type DispositionViewStatus = (typeof dispositionViewStatuses)[number];

export interface DispositionView {
  readonly disposition: StoredDisposition;
  readonly status: DispositionViewStatus;
}

/** The dispositions (of one party, or all), each with how it stands at the context's time. */
export function listDispositions(
  context: ScreeningContext,
  options: { partyId?: string } = {},
): Promise<DispositionView[]> {
  const at = context.clock();
  return context.transactor.run(async ({ screening: rows }) => {
    const all = await rows.loadDispositions(options.partyId === undefined ? undefined : [options.partyId]);
    const latest = await rows.latestScreenings([...new Set(all.map((d) => d.partyId))]);
    return viewsOf(all, latest, at);
  });
}

function viewsOf(
  all: readonly StoredDisposition[],
  latest: ReadonlyMap<string, StoredScreening>,
  at: Date,
): DispositionView[] {
  const last = new Map<string, string>();
  for (const d of all) last.set(`${d.partyId}\n${alertKey(d)}`, d.id);
  return all.map((disposition): DispositionView => {
    if (last.get(`${disposition.partyId}\n${alertKey(disposition)}`) !== disposition.id)
      return { disposition, status: "superseded" };
    const hit = latest.get(disposition.partyId)?.hits.find((h) => alertKey(h) === alertKey(disposition));
    if (!hit) return { disposition, status: "no_current_hit" };
    const status = reviewedStatus(hit, disposition, [...all], at.toISOString());
    return { disposition, status: status === "none" ? "no_current_hit" : status };
  });
}
