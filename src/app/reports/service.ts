// The report use cases: issue a report of one kind for a window (figures and checkpoint read in one
// snapshot; a closed window's report pinned on first issue, so it is the same bytes ever after),
// render it as JSON, CSV or PDF, and sign the bytes. Who may ask for which kind is the policy's
// business (the routes and commands check `reports.<kind>.read`); an exporter whose token names
// its party gets its own orders only.
import { z } from "zod";
import { jurisdictionOf, type Principal } from "../../core/authorization/policy.ts";
import { custodyParameters } from "../../core/custody/parameters.ts";
import { badInput } from "../../core/errors.ts";
import { capReport } from "../../core/reports/cap.ts";
import { reportCsv } from "../../core/reports/csv.ts";
import { custodyReport } from "../../core/reports/custody.ts";
import {
  type Checkpoint,
  type Report,
  type ReportBody,
  type ReportFormat,
  type ReportKind,
  type ReportWindow,
  reportFormats,
  reportJson,
  reportWindowDaysMax,
  windowDays,
} from "../../core/reports/model.ts";
import {
  chinaReport,
  decisionsReport,
  dutyReportTables,
  labTestsReport,
  prepaymentsReport,
} from "../../core/reports/records.ts";
import { signatureText } from "../../core/reports/signature.ts";
import { isoDateSchema } from "../../core/shared.ts";
import { parseInput } from "../../core/validation.ts";
import { alertCategory, type RulesOn } from "../custody/alerts.ts";
import type { Clock } from "../ports.ts";
import type { PdfRenderer, ReportFigures, ReportScope, ReportSigner, ReportStore } from "./ports.ts";

export const reportQueryFields = z.strictObject({
  from: isoDateSchema,
  to: isoDateSchema,
  format: z.enum(reportFormats).default("json"),
  bom: z.enum(["true", "false"]).default("false"),
});

export const reportQuerySchema = reportQueryFields
  .refine((q) => q.from <= q.to, { message: "`from` must not be after `to`", path: ["to"] })
  .refine((q) => q.from > q.to || windowDays(q) <= reportWindowDaysMax, {
    message: `a report covers at most ${reportWindowDaysMax} days`,
    path: ["to"],
  });
export type ReportQuery = z.output<typeof reportQuerySchema>;

/** A rendered, signed report: the bytes, their media type, and the detached signature's text. */
export interface RenderedReport {
  bytes: Uint8Array;
  contentType: string;
  extension: string;
  signature: string;
  keyId: string;
}

const unpinnedCheckpoint: Checkpoint = { origin: "sluice", size: 0, rootHash: "", note: "empty log" };

export const scopeOfPrincipal = (principal: Principal): ReportScope => ({
  exporterId: principal.role === "exporter" ? principal.partyId : null,
  importerId: principal.role === "importer" ? (principal.partyId ?? "") : null,
  destination: jurisdictionOf[principal.role] ?? null,
});

/** The silence limit (days) of the books in force on a day, as the alert sweep reads it. */
const silentDaysOn = (rules: RulesOn, day: string): number =>
  custodyParameters(rules(day)).alerts.silentDaysMax;

/** The window as instants [start, end), and the instant silence is judged at (end, or now). */
function custodyWindow(window: ReportWindow, now: Date) {
  const start = `${window.from}T00:00:00.000Z`;
  const end = new Date(Date.parse(`${window.to}T00:00:00Z`) + 86_400_000).toISOString();
  const asOf = new Date(Math.min(Date.parse(end), now.getTime())).toISOString();
  return { start, end, asOf };
}

async function bodyOf(
  kind: ReportKind,
  figures: ReportFigures,
  window: ReportWindow,
  scope: ReportScope,
  now: Date,
  rules: RulesOn,
): Promise<ReportBody> {
  switch (kind) {
    case "cap":
      return capReport(await figures.cap(window), window);
    case "decisions":
      return decisionsReport(await figures.decisions(window, scope));
    case "duty":
      return dutyReportTables(await figures.duty(window, scope));
    case "prepayments": {
      const { orders, forfeitures } = await figures.prepayments(window, scope);
      return prepaymentsReport(orders, forfeitures);
    }
    case "lab-tests":
      return labTestsReport(await figures.labTests(window));
    case "china":
      return chinaReport(await figures.china(window));
    case "custody": {
      const at = custodyWindow(window, now);
      const silentDays = silentDaysOn(rules, at.asOf.slice(0, 10));
      return custodyReport(await figures.custody(at, scope, silentDays), alertCategory);
    }
  }
}

/** The key a closed report is pinned under: one per kind, window and scope (keys of old pins unchanged). */
function pinKey(kind: ReportKind, window: ReportWindow, scope: ReportScope): string {
  const whose =
    scope.exporterId !== null
      ? `exporter:${scope.exporterId}`
      : scope.importerId !== null
        ? `importer:${scope.importerId}`
        : "all";
  // Only the custody report is cut by destination; the other kinds' keys stay as they were pinned.
  const where = kind !== "custody" || scope.destination === null ? "" : `/destination:${scope.destination}`;
  return `${kind}/${window.from}/${window.to}/${whose}${where}`;
}

export class ReportService {
  constructor(
    private readonly deps: {
      store: ReportStore;
      signer: ReportSigner;
      pdf: PdfRenderer;
      clock: Clock;
      /** The rules in force on a day with the custody scenarios (the custody report's silence limit). */
      rules: RulesOn;
    },
  ) {}

  get publicKey(): { keyId: string; publicKeyPem: string; alg: "Ed25519" } {
    return { keyId: this.deps.signer.keyId, publicKeyPem: this.deps.signer.publicKeyPem, alg: "Ed25519" };
  }

  /** Validates the query (bad input changes nothing) and returns it with defaults. */
  parseQuery(input: unknown): ReportQuery {
    return parseInput(reportQuerySchema, input, "report query");
  }

  /**
   * The report of `kind` for the window, as plain JSON (bigints as strings): the one form every
   * renderer reads, so the first issue and every later read of a pinned report render alike.
   */
  async issue(principal: Principal, kind: ReportKind, window: ReportWindow): Promise<Report> {
    const now = this.deps.clock();
    const today = now.toISOString().slice(0, 10);
    const closed = window.to < today;
    const scope = scopeOfPrincipal(principal);
    const key = pinKey(kind, window, scope);
    const text = await this.deps.store.inSnapshot(async ({ checkpoints, figures, pinned }) => {
      if (closed) {
        const kept = await pinned.find(key);
        if (kept !== undefined) return kept;
      }
      const checkpoint = (await checkpoints.latestCheckpoint()) ?? unpinnedCheckpoint;
      const body = await bodyOf(kind, figures, window, scope, now, this.deps.rules);
      const report: Report = {
        format: "sluice-report/1",
        kind,
        ...body,
        window: { from: window.from, to: window.to },
        closed,
        issuer: { principalId: principal.id, role: principal.role },
        issuedAt: now.toISOString(),
        checkpoint,
      };
      const issued = JSON.stringify(reportJson(report));
      if (closed) await pinned.pin(key, { kind, window, issuedBy: principal.id, issuedAt: now }, issued);
      return issued;
    });
    return JSON.parse(text) as Report;
  }

  /** Renders and signs. The same report renders to the same bytes (and signature) every time. */
  async render(
    report: Report,
    format: ReportFormat,
    options: { bom?: boolean } = {},
  ): Promise<RenderedReport> {
    const bytes = await this.#bytes(report, format, options);
    const { signer } = this.deps;
    return {
      bytes,
      contentType: contentTypes[format],
      extension: format,
      signature: signatureText(bytes, signer.keyId, signer.sign(bytes)),
      keyId: signer.keyId,
    };
  }

  async #bytes(report: Report, format: ReportFormat, options: { bom?: boolean }): Promise<Uint8Array> {
    switch (format) {
      case "json":
        return Buffer.from(`${JSON.stringify(report, null, 2)}\n`, "utf8");
      case "csv":
        return Buffer.from(reportCsv(report, options), "utf8");
      case "pdf":
        return this.deps.pdf.render(report);
    }
  }

  /** Validates a window before issuing (used by the CLI, whose flags are not a query string). */
  static window(from: string, to: string): ReportWindow {
    const parsed = reportQuerySchema.safeParse({ from, to });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(`report window ${from}..${to}`, issue?.message ?? "invalid");
    }
    return { from: parsed.data.from, to: parsed.data.to };
  }
}

const contentTypes: Record<ReportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8; header=present",
  pdf: "application/pdf",
};
