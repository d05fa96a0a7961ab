// A list read page by page from a paged API route (`items`, `nextCursor`), filtered in the
// browser by a search text and a status: "Load more" fetches the next page. The search covers
// what has been loaded (the API lists by id; server-side search is not there yet).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client.ts";
import { Badge, messageOf } from "./ui.tsx";

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageLimit = 200;

export function PagedList<T extends { id: string; status: string }>(props: {
  api: Api;
  path: string;
  statuses: readonly string[];
  label: string;
  searchText: (item: T) => string;
  header: ComponentChildren;
  row: (item: T) => ComponentChildren;
}) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const load = async (after: string | null | undefined, previous: T[]) => {
    try {
      const separator = props.path.includes("?") ? "&" : "?";
      const page = await props.api.get<PageOf<T>>(
        `${props.path}${separator}limit=${pageLimit}${after ? `&cursor=${encodeURIComponent(after)}` : ""}`,
      );
      setItems([...previous, ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  useEffect(() => {
    setItems([]);
    setCursor(undefined);
    void load(undefined, []);
  }, [props.api, props.path]);
  const needle = query.trim().toLowerCase();
  const shown = items.filter(
    (item) =>
      (status === "" || item.status === status) &&
      (needle === "" || props.searchText(item).toLowerCase().includes(needle)),
  );
  const searchId = `search-${props.label}`;
  const statusId = `status-${props.label}`;
  return (
    <div class="paged">
      <div class="filters">
        <label for={searchId}>Search {props.label}</label>
        <input
          id={searchId}
          type="search"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
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
        <span class="muted" aria-live="polite">
          {shown.length} of {items.length} loaded{cursor ? " (more on the server)" : ""}
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="list" aria-label={props.label}>
        <thead>{props.header}</thead>
        <tbody>{shown.map((item) => props.row(item))}</tbody>
      </table>
      {cursor && (
        <button type="button" onClick={() => void load(cursor, items)}>
          Load more
        </button>
      )}
    </div>
  );
}

export { Badge };
