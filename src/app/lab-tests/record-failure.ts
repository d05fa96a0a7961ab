// Recording a failed lab test of a lot (docs/evidence.md): a qualified lab posts the failure it
// signed with its registered key; it is checked (lab, key, signature, qualification on the test
// day, the lot's serials) and kept byte for byte with who recorded it and when (the server's clock),
// with an audit entry `lab_test.failed`, all in one unit of work. A refusal is a status and changes
// nothing; the same failure posted again answers `exists`. The labs report counts these records.
import type { AuditActor } from "../../core/audit/actor.ts";
import { badInput, quote, SluiceError } from "../../core/errors.ts";
import {
  checkLabTestFailure,
  failureText,
  type LabTestFailureStatus,
  labTestFailureErrorKinds,
  signedLabTestFailureSchema,
} from "../../core/lab-tests/failure.ts";
import type { Clock } from "../ports.ts";
import type { LabTestTransactorFor } from "./ports.ts";

export interface LabTestFailureResult {
  status: LabTestFailureStatus;
  failureId: string;
  shipmentId: string;
  labId: string;
  hash: string;
}

export class LabTestFailureService {
  constructor(private readonly deps: { transactorFor: LabTestTransactorFor; clock: Clock }) {}

  /** Validates the body's shape (bad input changes nothing); the lab's id is the one it signed. */
  parse(body: unknown) {
    const parsed = signedLabTestFailureSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at \`${issue.path.map(String).join(".")}\`` : "";
    throw badInput(`lab test failure${at}`, issue?.message.toLowerCase() ?? "invalid");
  }

  async record(body: unknown, actor: AuditActor): Promise<LabTestFailureResult> {
    const signed = this.parse(body);
    const { failure } = signed;
    const { text, hash } = failureText(failure);
    const at = this.deps.clock();
    const base = { failureId: failure.id, shipmentId: failure.shipmentId, labId: failure.labId, hash };
    return this.deps.transactorFor(actor).run(
      async ({ labs, lots, failures, audit }) => {
        const stored = await failures.hashOf(failure.id);
        if (stored !== null)
          return { ...base, status: stored === hash ? "exists" : "exists_with_different_document" };
        const status = checkLabTestFailure(signed, text, {
          lab: await labs.find(failure.labId),
          today: at.toISOString().slice(0, 10),
          lotRanges: await lots.rangesOf(failure.shipmentId),
        });
        if (status !== "recorded") return { ...base, status };
        await failures.insert({
          id: failure.id,
          shipmentId: failure.shipmentId,
          labId: failure.labId,
          hash,
          canonicalText: text,
          signature: signed.signature,
          testedOn: failure.testedOn,
          recordedBy: actor.tokenId ?? "system",
          recordedAt: at,
        });
        await audit.append(
          "lab_test.failed",
          {
            failureId: failure.id,
            shipmentId: failure.shipmentId,
            labId: failure.labId,
            testedOn: failure.testedOn,
            checks: failure.checks,
            failedSerials: failure.failedSerials.length,
            hash,
          },
          at,
        );
        return { ...base, status };
      },
      { isolation: "serializable" },
    );
  }
}

/** A refusal as the error it answers (src/core/errors.ts maps it to HTTP and exit code); null: success. */
export function failureRefusal(result: LabTestFailureResult): SluiceError | null {
  const kind = labTestFailureErrorKinds[result.status];
  if (kind === null) return null;
  const what = `lab test failure ${quote(result.failureId)}`;
  return new SluiceError(kind, what, `${result.status.replaceAll("_", " ")}`, result.status);
}
