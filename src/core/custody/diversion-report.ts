// The diversion report an alert opens for the US regulator, in the Chip Security Act's terms: a
// licensee must promptly report credible information that a covered chip is not at its licensed
// location, was diverted to another user, or was tampered with, including attempts to spoof
// location verification (S.1705 / H.R.3447 §2). Pure: the alert and the chip's licence context in,
// the report's content out; the store dates and files it.
import type { Alert, AlertKind } from "./alerts.ts";

/** The Act's categories, in the order a report lists them. */
export const diversionGrounds = [
  "not_at_licensed_location",
  "diverted",
  "tampered_or_spoofed",
  "unaccounted",
] as const;
export type DiversionGround = (typeof diversionGrounds)[number];

/** Which of the Act's grounds each alert is evidence of. */
export const groundsByAlert: Record<AlertKind, readonly DiversionGround[]> = {
  location_inconsistent: ["not_at_licensed_location"],
  location_impossible: ["tampered_or_spoofed"],
  silent: ["unaccounted"],
  fleet_silent_share: ["unaccounted", "diverted"],
  clone: ["tampered_or_spoofed"],
  undelivered_heartbeat: ["diverted"],
  unlicensed_heartbeat: ["diverted"],
  relay: ["tampered_or_spoofed", "not_at_licensed_location"],
  device_key_revoked: ["tampered_or_spoofed"],
};

const groundText: Record<DiversionGround, string> = {
  not_at_licensed_location: "credible information that the product is not at its licensed location",
  diverted: "credible information that the product was diverted to an unlicensed user or place",
  tampered_or_spoofed:
    "credible information of tampering, including an attempt to spoof location verification",
  unaccounted: "the product no longer reports its location",
};

export interface DiversionReportContext {
  licenceId: string | null;
  exporterId: string | null;
  importerId: string | null;
  siteId: string | null;
}

export interface DiversionReport {
  regime: "chip-security-act";
  citation: string;
  grounds: DiversionGround[];
  statements: string[];
  alertKind: AlertKind;
  serial: string | null;
  importerId: string | null;
  licenceId: string | null;
  exporterId: string | null;
  siteId: string | null;
  summary: string;
  evidence: Alert["evidence"];
}

export function diversionReport(alert: Alert, context: DiversionReportContext): DiversionReport {
  const grounds = [...groundsByAlert[alert.kind]];
  return {
    regime: "chip-security-act",
    citation: "S.1705 / H.R.3447 §2 (Chip Security Act; a bill, not law: scenario-chip-security-act)",
    grounds,
    statements: grounds.map((ground) => groundText[ground]),
    alertKind: alert.kind,
    serial: alert.serial,
    importerId: alert.importerId ?? context.importerId,
    licenceId: context.licenceId,
    exporterId: context.exporterId,
    siteId: context.siteId,
    summary: alert.message,
    evidence: alert.evidence,
  };
}
