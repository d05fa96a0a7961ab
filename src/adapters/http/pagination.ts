// Pagination for every list: `?limit=` (1..pageLimitMax, default pageLimitDefault) and an opaque
// `?cursor=` from the previous page's `nextCursor`. A list route fetches limit + 1 rows after the
// cursor's position; the extra row only tells that there is a next page. The limits, the envelope
// and the cursor encoding are the wire contract (src/adapters/contract/pagination.ts).
import { z } from "zod";
import {
  cursorLengthMax,
  decodeCursor,
  encodeCursor,
  type Page,
  pageLimitDefault,
  pageLimitMax,
} from "../contract/pagination.ts";

// The wire contract is shared with the remote CLI; the routes import it from here.
export { cursorLengthMax, decodeCursor, encodeCursor, type Page, pageLimitDefault, pageLimitMax };

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().min(1).max(cursorLengthMax).optional(),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

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
