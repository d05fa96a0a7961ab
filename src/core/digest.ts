// Content digests: sha256 over the canonical JSON (RFC 8785) of a value. Bigints are written as
// decimal strings first, since JSON has no bigint. Used for decision input hashes and records.
import * as crypto from "node:crypto";
import canonicalize from "canonicalize";

/** Bigints become decimal strings so the value can be canonicalized. */
export function jsonable(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonable);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonable(inner)]));
  }
  return value;
}

/** RFC 8785 canonical JSON text of a value (bigints as decimal strings). */
export const canonicalJson = (value: unknown): string => canonicalize(jsonable(value)) ?? "null";

/**
 * sha256 (hex) of a text. The one-shot `crypto.hash` (Node ≥ 20.12) costs half of a
 * createHash/update/digest round, which matters once per decision; older Node 20 falls back.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

/** sha256 (hex) of the canonical JSON of a value. */
export const canonicalDigest = (value: unknown): string => sha256Hex(canonicalJson(value));
