// Pagination for every list: `?limit=` (1..pageLimitMax, default pageLimitDefault) and an opaque
// `?cursor=` from the previous page's `nextCursor`. A list route fetches limit + 1 rows after the
// cursor's position; the extra row only tells that there is a next page.
import { z } from "zod";
import { badInput } from "../../core/errors.ts";

export const pageLimitMax = 200;
export const pageLimitDefault = 50;
export const cursorLengthMax = 512;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().min(1).max(cursorLengthMax).optional(),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

/** The response envelope of every list; build its schema with `pageSchema(itemSchema)`. */
export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

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

/** Cuts `fetched` (up to limit + 1 items, in order) into a page. */
export function pageOf<T>(fetched: readonly T[], limit: number, sortKey: (item: T) => string): Page<T> {
  const items = fetched.slice(0, limit);
  const last = items.at(-1);
  const more = fetched.length > limit && last !== undefined;
  return { items, nextCursor: more ? encodeCursor(sortKey(last)) : null };
}

/** The same over a list already in memory (sorted by `sortKey`). */
export function pageOfSorted<T>(all: readonly T[], query: PageQuery, sortKey: (item: T) => string): Page<T> {
  const after = decodeCursor(query.cursor);
  const start = after === undefined ? 0 : all.findIndex((item) => sortKey(item) > after);
  const from = start < 0 ? all.length : start;
  return pageOf(all.slice(from, from + query.limit + 1), query.limit, sortKey);
}
