// The rulebooks timeline: every book by jurisdiction as a bar over its effective dates, which
// were in force on a chosen day, and what changed against the jurisdiction's previous book
// (rules added and removed, by their name within the book).
import { useState } from "preact/hooks";
import type { Api, Rulebook, Rulebooks as RulebooksData } from "../api/client.ts";
import { Badge, Card, FactBadge, Show, useLoad } from "../components/ui.tsx";

const dayMs = 86_400_000;
const ruleName = (id: string): string => id.slice(id.indexOf(".") + 1);

export function changesFrom(
  previous: Rulebook | undefined,
  book: Rulebook,
): { added: string[]; removed: string[] } {
  const before = new Set((previous?.rules ?? []).map(ruleName));
  const after = new Set(book.rules.map(ruleName));
  return {
    added: [...after].filter((r) => !before.has(r)),
    removed: [...before].filter((r) => !after.has(r)),
  };
}

type Effective = { from: string; to: string | null };
const effectiveOf = (book: Rulebook): Effective =>
  (book as { effective?: Effective }).effective ?? { from: "", to: null };
const citationOf = (book: Rulebook) => (book as { citation?: { source: string; status: string } }).citation;

export function Rulebooks({ api }: { api: Api }) {
  const all = useLoad(() => api.get<RulebooksData>("/v1/rulebooks?all=true"), [api]);
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const inForce = useLoad(() => api.get<RulebooksData>(`/v1/rulebooks?at=${day}`), [api, day]);
  const forceIds = new Set((inForce.data?.rulebooks ?? []).filter((b) => !b.scenario).map((b) => b.id));
  return (
    <Card title="Rulebooks timeline" wide>
      <div class="filters">
        <label for="in-force-on">In force on</label>
        <input
          id="in-force-on"
          type="date"
          value={day}
          onInput={(e) => setDay((e.target as HTMLInputElement).value || day)}
        />
        <span class="muted">{forceIds.size} books in force</span>
      </div>
      <Show loaded={all}>
        {(data) => {
          const books = data.rulebooks.filter((b) => !b.scenario);
          const starts = books.map((b) => Date.parse(effectiveOf(b).from)).filter(Number.isFinite);
          const start = Math.min(...starts) - 30 * dayMs;
          const end = Math.max(...starts, Date.parse(day)) + 60 * dayMs;
          const x = (iso: string | null) => (((iso ? Date.parse(iso) : end) - start) / (end - start)) * 100;
          const byJurisdiction = new Map<string, Rulebook[]>();
          for (const book of [...books].sort((a, b) =>
            effectiveOf(a).from.localeCompare(effectiveOf(b).from),
          )) {
            byJurisdiction.set(book.jurisdiction, [...(byJurisdiction.get(book.jurisdiction) ?? []), book]);
          }
          return (
            <div class="timeline">
              {[...byJurisdiction].map(([jurisdiction, list]) => (
                <section key={jurisdiction} aria-label={jurisdiction}>
                  <h3>{jurisdiction}</h3>
                  {list.map((book, i) => {
                    const effective = effectiveOf(book);
                    const change = changesFrom(list[i - 1], book);
                    const citation = citationOf(book);
                    return (
                      <div
                        key={book.id}
                        class={`book ${forceIds.has(book.id) ? "in-force" : ""}`}
                        data-book={book.id}
                      >
                        <div class="lane" aria-hidden="true">
                          <span
                            class="span"
                            style={{
                              left: `${x(effective.from)}%`,
                              width: `${Math.max(x(effective.to) - x(effective.from), 0.5)}%`,
                            }}
                          />
                          <span class="today" style={{ left: `${x(day)}%` }} />
                        </div>
                        <p>
                          <strong>{book.title}</strong>{" "}
                          {forceIds.has(book.id) && <Badge value="active" label="in force" />}
                          <br />
                          <span class="small">
                            {book.id}: {effective.from} → {effective.to ?? "open"}
                            {citation && (
                              <>
                                {" · "}
                                {citation.source} <FactBadge status={citation.status} />
                              </>
                            )}
                          </span>
                          <br />
                          <span class="small muted">
                            {i === 0
                              ? `${book.rules.length} rules`
                              : `added: ${change.added.join(", ") || "none"}; removed: ${change.removed.join(", ") || "none"}`}
                          </span>
                        </p>
                      </div>
                    );
                  })}
                </section>
              ))}
              <section aria-label="scenarios">
                <h3>Scenario books (replay only)</h3>
                <ul class="small">
                  {data.rulebooks
                    .filter((b) => b.scenario)
                    .map((b) => (
                      <li key={b.id}>
                        {b.title} <span class="muted">({b.id})</span>
                      </li>
                    ))}
                </ul>
              </section>
            </div>
          );
        }}
      </Show>
    </Card>
  );
}
