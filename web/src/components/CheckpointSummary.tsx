// The transparency log's latest checkpoint as the server states it (GET /v1/log/checkpoint.json):
// its size, when it was signed and how long ago, and whether it is witnessed (cosignatures on the
// note against the configured quorum). Shown on the overview and the audit page.
import type { Api, CheckpointStatus } from "../api/client.ts";
import { age, instant, units } from "../lib/format.ts";
import { Badge, useLoad } from "./ui.tsx";

export function witnessText(status: CheckpointStatus): string {
  const count = status.cosigners.length;
  if (status.witnessQuorum === 0) return "not witnessed: no witness configured";
  const tally = `${count} of ${status.witnessQuorum} required cosignatures`;
  const names = count > 0 ? ` (${status.cosigners.join(", ")})` : "";
  return `${status.witnessed ? "witnessed" : "not witnessed"}: ${tally}${names}`;
}

export function CheckpointSummary({ status }: { status: CheckpointStatus }) {
  return (
    <dl class="facts" data-testid="checkpoint">
      <dt>Log</dt>
      <dd>{status.origin}</dd>
      <dt>Size</dt>
      <dd data-testid="checkpoint-size">{units(status.size)} entries</dd>
      <dt>Signed</dt>
      <dd>
        <time data-testid="checkpoint-signed-at" dateTime={status.signedAt}>
          {instant(status.signedAt)}
        </time>{" "}
        <span class="muted" data-testid="checkpoint-age">
          ({age(status.signedAt, Date.now())})
        </span>
      </dd>
      <dt>Witnesses</dt>
      <dd data-testid="checkpoint-witnessed" data-witnessed={String(status.witnessed)}>
        <Badge
          value={status.witnessed ? "verified" : "pending"}
          label={status.witnessed ? "witnessed" : "not witnessed"}
        />{" "}
        {witnessText(status).replace(/^(not )?witnessed: /, "")}
      </dd>
    </dl>
  );
}

/** Loads the checkpoint; a server without a log says so instead of failing the page. */
export function useCheckpointStatus(api: Api) {
  return useLoad(
    async () => (await api.getOptional<CheckpointStatus>("/v1/log/checkpoint.json")) ?? null,
    [api],
  );
}
