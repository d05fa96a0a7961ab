// Demo tokens for `npm start`: one per role, labelled `demo:<role>`. Secrets are shown once and
// stored hashed, so each start revokes the previous demo tokens and issues fresh ones to print.
// Party-scoped roles (importer, lab) need the seed's party ids.

import type { Store } from "../adapters/db/store.ts";
import {
  type Clock,
  createToken,
  listTokens,
  revokeToken,
  type TokenFactory,
} from "../adapters/db/tokens.ts";
import { badInput } from "../core/errors.ts";
import { partyRequiredRoles, type Role, roles } from "../core/policy/policy.ts";

export const demoLabelPrefix = "demo:";
const pageSize = 500;

export interface DemoToken {
  role: Role;
  partyId: string | null;
  id: string;
  token: string;
}

async function revokeDemoTokens(store: Store, clock: Clock): Promise<void> {
  for (let after: string | undefined; ; ) {
    const page = await listTokens(store, { limit: pageSize, after });
    for (const token of page) {
      if (token.revokedAt === null && token.label.startsWith(demoLabelPrefix))
        await revokeToken(store, clock, token.id);
    }
    if (page.length < pageSize) return;
    after = page.at(-1)?.id;
  }
}

/** Revokes earlier demo tokens and creates one per role; `parties` gives importer and lab parties. */
export async function issueDemoTokens(
  store: Store,
  clock: Clock,
  factory: TokenFactory,
  parties: Partial<Record<Role, string>>,
): Promise<DemoToken[]> {
  for (const role of partyRequiredRoles) {
    if (parties[role] === undefined) throw badInput(`demo token for \`${role}\``, "needs a party id");
  }
  await revokeDemoTokens(store, clock);
  const issued: DemoToken[] = [];
  for (const role of roles) {
    const partyId = parties[role];
    const input = { role, label: `${demoLabelPrefix}${role}`, ...(partyId === undefined ? {} : { partyId }) };
    const { token, secret } = await createToken(store, clock, factory, input);
    issued.push({ role, partyId: token.partyId, id: token.id, token: secret });
  }
  return issued;
}
