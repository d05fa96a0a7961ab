// The audit actor of a custody act (issue #13): the principal that acted, the route or command it
// came through and its request id; the system itself when a sweep or the seeder acts.
import { v7 as uuidv7 } from "uuid";
import type { Actor } from "../../../app/custody/ports.ts";
import type { AuditActor } from "../../../core/audit/actor.ts";

export const auditActorOf = (actor: Actor): AuditActor => ({
  tokenId: actor.id === "" || actor.id.startsWith("system") ? null : actor.id,
  role: actor.role,
  partyId: actor.partyId,
  via: actor.via ?? "sluice custody",
  requestId: actor.requestId ?? uuidv7(),
});
