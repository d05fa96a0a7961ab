// A list read page by page from a paged API route (`items`, `nextCursor`), searched (`q`) and
// filtered by state (`status`) on the server: a change of either asks the server for the first
// page again (after a short pause while typing); "Load more" fetches the next page.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client.ts";
import { Badge, messageOf } from "./ui.tsx";

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageLimit = 200;
/** The routes' longest search text (src/app/shipments/listing.ts). */
const searchTextLengthMax = 128;
/** How long typing pauses before the search goes to the server. */
const searchPauseMs = 250;

export function PagedList<T extends { id: string; status: string }>(props: {
  api: Api;
  path: string;
  statuses: readonly string[];
  label: string;
  /** What the route's `q` search covers (the field's hint); absent: the route has no search. */
  searchHint?: string;
  header: ComponentChildren;
  row: (item: T) => ComponentChildren;
}) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const [loading, setLoading] = useState(true);
  const filter = (after: string | null | undefined): string => {
    const params = new URLSearchParams({ limit: String(pageLimit) });
    if (query.trim() !== "") params.set("q", query.trim());
    if (status !== "") params.set("status", status);
    if (after) params.set("cursor", after);
    return `${props.path}${props.path.includes("?") ? "&" : "?"}${params}`;
  };
  const load = async (after: string | null | undefined, previous: T[], live: () => boolean) => {
    setLoading(true);
    try {
      const page = await props.api.get<PageOf<T>>(filter(after));
      if (!live()) return;
      setItems([...previous, ...page.items]);
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (failure) {
      if (live()) setError(messageOf(failure));
    } finally {
      if (live()) setLoading(false);
    }
  };
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => void load(undefined, [], () => live), query === "" ? 0 : searchPauseMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [props.api, props.path, query, status]);
  const searchId = `search-${props.label}`;
  const statusId = `status-${props.label}`;
  return (
    <div class="paged">
      <div class="filters">
        {props.searchHint !== undefined && (
          <>
            <label for={searchId}>Search {props.label}</label>
            <input
              id={searchId}
              type="search"
              title={props.searchHint}
              placeholder={props.searchHint}
              maxLength={searchTextLengthMax}
              value={query}
              onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            />
          </>
        )}
        {props.statuses.length > 0 && (
          <>
            <label for={statusId}>State</label>
            <select
              id={statusId}
              value={status}
              onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}
            >
              <option value="">any</option>
              {props.statuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        )}
        <span class="muted" aria-live="polite" data-testid={`${props.label}-count`}>
          {loading ? "searching…" : `${items.length} shown${cursor ? " (more on the server)" : ""}`}
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="list" aria-label={props.label}>
        <thead>{props.header}</thead>
        <tbody>{items.map((item) => props.row(item))}</tbody>
      </table>
      {cursor && (
        <button type="button" onClick={() => void load(cursor, items, () => true)}>
          Load more
        </button>
      )}
    </div>
  );
}

export { Badge };
