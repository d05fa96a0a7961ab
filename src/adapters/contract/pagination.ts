// The pagination contract between the HTTP API and its clients (the remote CLI): the page limits,
// the envelope of every list, and the cursor's encoding. Shared wire contracts live under
// src/adapters/contract/, the one adapter module other adapters may import (docs/architecture.md).
import { badInput } from "../../core/errors.ts";

export const pageLimitMax = 200;
export const pageLimitDefault = 50;
export const cursorLengthMax = 512;

/** The response envelope of every list; build its schema with `pageSchema(itemSchema)`. */
export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cursors are base64url JSON of the last item's sort key, so clients cannot rely on their shape. */
export const encodeCursor = (after: string): string =>
  Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "after" in parsed &&
      typeof parsed.after === "string"
    ) {
      return parsed.after;
    }
  } catch {
    // Falls through to the error below.
  }
  throw badInput("query `cursor`", "not a cursor returned by this list", "invalid_cursor");
}
