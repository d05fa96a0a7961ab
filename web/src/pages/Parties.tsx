// Parties and their screening: each hit with its explanation, its disposition (who, when, why),
// a form to record one, and the queue of dismissals waiting for a second reviewer (when the
// server's dispositions carry that state).
import { useState } from "preact/hooks";
import type {
  Api,
  DispositionItem,
  Dispositions,
  PartyPage,
  ScreeningReview,
  Session,
} from "../api/client.ts";
import { Badge, Card, messageOf, Show, useLoad } from "../components/ui.tsx";
import { instant } from "../lib/format.ts";

type ReviewedHit = ScreeningReview["review"]["hits"][number];

/** A disposition waiting for a second reviewer, whatever the server calls that state. */
export const awaitsSecondReview = (item: DispositionItem): boolean =>
  /second|awaiting|pending/i.test(item.status);

function DispositionForm({
  api,
  partyId,
  hit,
  onDone,
}: {
  api: Api;
  partyId: string;
  hit: ReviewedHit["hit"];
  onDone: () => void;
}) {
  const [decision, setDecision] = useState("false_positive");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const formId = `dispose-${hit.listId}-${hit.entryId}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api.post("/v1/dispositions", {
        partyId,
        listId: hit.listId,
        entryId: hit.entryId,
        decision,
        reason,
        // who decided is the signed-in token itself (the server refuses a body field for it)
      });
      setReason("");
      onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <form class="disposition-form" onSubmit={submit} aria-label={`dispose of ${hit.entryId}`}>
      <label for={`${formId}-decision`}>Disposition</label>
      <select
        id={`${formId}-decision`}
        value={decision}
        onChange={(e) => setDecision((e.target as HTMLSelectElement).value)}
      >
        <option value="false_positive">dismiss: false positive</option>
        <option value="true_match">confirm: true match</option>
      </select>
      <label for={`${formId}-reason`}>Reason</label>
      <input
        id={`${formId}-reason`}
        required
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Record</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function HitRow({ reviewed, children }: { reviewed: ReviewedHit; children?: preact.ComponentChildren }) {
  const { hit, disposition, status } = reviewed;
  return (
    <li class="hit" data-entry={hit.entryId}>
      <p>
        <strong>{hit.name}</strong> on {hit.listId} ({hit.entryId}), score {hit.score.toFixed(2)}{" "}
        <Badge
          value={status === "none" ? (hit.alert ? "open_alert" : "not_applicable") : status}
          label={status === "none" ? (hit.alert ? "open alert" : "below threshold") : status}
        />
      </p>
      <p class="small">{hit.explanation.summary}</p>
      {disposition && (
        <p class="small" data-testid="disposition">
          {disposition.decision.replace("_", " ")} by {disposition.decidedBy}
          {` on ${instant(disposition.decidedAt)}`}: “{disposition.reason}”
        </p>
      )}
      {children}
    </li>
  );
}

function PartyScreening({ api, session, partyId }: { api: Api; session: Session; partyId: string }) {
  const review = useLoad(
    () => api.get<ScreeningReview>(`/v1/parties/${encodeURIComponent(partyId)}/screening`),
    [api, partyId],
  );
  const mayDispose = (session.actions as readonly string[]).includes("dispositions.write");
  return (
    <Show loaded={review}>
      {(data) => (
        <>
          <p>
            {data.screening.name}: <Badge value={data.review.outcome} /> screened{" "}
            {instant(data.screening.screenedAt)} ({data.screening.reason.replaceAll("_", " ")}), threshold{" "}
            {data.screening.threshold}
          </p>
          {data.review.hits.length === 0 ? (
            <p class="muted">No hits.</p>
          ) : (
            <ul class="hits">
              {data.review.hits.map((reviewed) => (
                <HitRow key={`${reviewed.hit.listId}/${reviewed.hit.entryId}`} reviewed={reviewed}>
                  {mayDispose && reviewed.hit.alert && reviewed.status !== "active" && (
                    <DispositionForm api={api} partyId={partyId} hit={reviewed.hit} onDone={review.reload} />
                  )}
                </HitRow>
              ))}
            </ul>
          )}
        </>
      )}
    </Show>
  );
}

function SecondReviewQueue({ api }: { api: Api }) {
  const dispositions = useLoad(() => api.get<Dispositions>("/v1/dispositions"), [api]);
  return (
    <Card title="Dismissals waiting for a second reviewer">
      <Show loaded={dispositions}>
        {(data) => {
          const waiting = data.items.filter(awaitsSecondReview);
          return waiting.length === 0 ? (
            <p class="muted" data-testid="second-review-queue">
              None waiting ({data.items.length} disposition{data.items.length === 1 ? "" : "s"} on record).
            </p>
          ) : (
            <ul data-testid="second-review-queue">
              {waiting.map(({ disposition: d }) => (
                <li key={`${d.partyId}/${d.listId}/${d.entryId}/${d.decidedAt}`}>
                  {d.partyId} / {d.entryId}: {d.decision.replace("_", " ")} by {d.decidedBy} on{" "}
                  {instant(d.decidedAt)}: “{d.reason}”
                </li>
              ))}
            </ul>
          );
        }}
      </Show>
    </Card>
  );
}

export function Parties({ api, session }: { api: Api; session: Session }) {
  const parties = useLoad(() => api.get<PartyPage>("/v1/parties?limit=200"), [api]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  return (
    <div class="grid">
      <Card title="Parties">
        <Show loaded={parties}>
          {(page) => (
            <ul class="party-list">
              {page.items.map((party) => (
                <li key={party.id}>
                  <button
                    type="button"
                    aria-pressed={selected === party.id}
                    onClick={() => setSelected(party.id)}
                  >
                    {party.name}{" "}
                    <span class="muted">
                      ({party.id}, {party.country})
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Show>
      </Card>
      <Card title={selected ? `Screening of ${selected}` : "Screening"} wide>
        {selected ? (
          <PartyScreening api={api} session={session} partyId={selected} />
        ) : (
          <p class="muted">Choose a party.</p>
        )}
      </Card>
      <SecondReviewQueue api={api} />
    </div>
  );
}
