// Fetching a signed report (GET /v1/reports/{kind}?from&to&format) with the session's token, and
// checking it here: the detached signature from the `x-sluice-report-signature` header is verified
// with WebCrypto (Ed25519) over the exact bytes received, against the report key the server
// publishes (GET /v1/reports/key, SPKI PEM); the SHA-256 it names must be the bytes' too.
import { type Api, ApiError } from "../api/client.ts";
import { sha256 } from "./merkle.ts";
import type { ReportKind } from "./report-kinds.ts";

export const reportFormats = ["json", "csv", "pdf"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const signatureVerdicts = [
  "valid",
  "no_signature",
  "other_key",
  "digest_mismatch",
  "bad_signature",
] as const;
export type SignatureVerdict = (typeof signatureVerdicts)[number];

export interface ReportKey {
  alg: string;
  keyId: string;
  publicKeyPem: string;
}

export interface DownloadedReport {
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
  /** `size=…; root=…` as the server states the checkpoint the report was computed at */
  checkpoint: string;
  keyId: string | undefined;
  verdict: SignatureVerdict;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

interface DetachedSignature {
  keyId?: string;
  sha256?: string;
  signature?: string;
}

export async function verifyReport(
  bytes: Uint8Array,
  header: string | null,
  key: ReportKey,
): Promise<{ verdict: SignatureVerdict; keyId: string | undefined }> {
  if (!header) return { verdict: "no_signature", keyId: undefined };
  const signed = JSON.parse(header) as DetachedSignature;
  if (signed.keyId !== key.keyId) return { verdict: "other_key", keyId: signed.keyId };
  if (signed.sha256 !== hex(await sha256(bytes))) return { verdict: "digest_mismatch", keyId: signed.keyId };
  const publicKey = await crypto.subtle.importKey(
    "spki",
    new Uint8Array(pemToDer(key.publicKeyPem)),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const signature = Uint8Array.from(atob(signed.signature ?? ""), (c) => c.charCodeAt(0));
  const ok = await crypto.subtle.verify("Ed25519", publicKey, signature, new Uint8Array(bytes));
  return { verdict: ok ? "valid" : "bad_signature", keyId: signed.keyId };
}

export async function fetchReport(
  api: Api,
  kind: ReportKind,
  window: { from: string; to: string },
  format: ReportFormat,
): Promise<DownloadedReport> {
  const query = new URLSearchParams({ from: window.from, to: window.to, format });
  const response = await fetch(`/v1/reports/${kind}?${query}`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
    throw new ApiError({
      status: response.status,
      title: problem.title ?? response.statusText,
      detail: problem.detail ?? String(response.status),
    });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const key = await api.get<ReportKey>("/v1/reports/key");
  const { verdict, keyId } = await verifyReport(
    bytes,
    response.headers.get("x-sluice-report-signature"),
    key,
  );
  const disposition = response.headers.get("content-disposition") ?? "";
  return {
    bytes,
    fileName:
      /filename="([^"]+)"/.exec(disposition)?.[1] ?? `sluice-${kind}-${window.from}-${window.to}.${format}`,
    contentType: response.headers.get("content-type") ?? "application/octet-stream",
    checkpoint: response.headers.get("x-sluice-checkpoint") ?? "",
    keyId,
    verdict,
  };
}
