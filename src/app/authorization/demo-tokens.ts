// Demo tokens for `npm start`: one per role, labelled `demo:<role>`. Secrets are shown once and
// stored hashed, so each start revokes the previous demo tokens and issues fresh ones to print.
// Party-scoped roles (exporter, importer, lab) need the seed's party ids. The tokens are written
// through the TokenStore port (its clock and factory), as the system's own acts.

import { partyRequiredRoles, type Role, roles } from "../../core/authorization/policy.ts";
import { badInput } from "../../core/errors.ts";
import type { TokenStore } from "./ports.ts";

export const demoLabelPrefix = "demo:";
const pageSize = 500;

export interface DemoToken {
  role: Role;
  partyId: string | null;
  id: string;
  token: string;
}

async function revokeDemoTokens(tokens: TokenStore): Promise<void> {
  for (let after: string | undefined; ; ) {
    const page = await tokens.list({ limit: pageSize, after });
    for (const token of page) {
      if (token.revokedAt === null && token.label.startsWith(demoLabelPrefix)) await tokens.revoke(token.id);
    }
    if (page.length < pageSize) return;
    after = page.at(-1)?.id;
  }
}

/** Revokes earlier demo tokens and creates one per role; `parties` gives importer and lab parties. */
export async function issueDemoTokens(
  tokens: TokenStore,
  parties: Partial<Record<Role, string>>,
): Promise<DemoToken[]> {
  for (const role of partyRequiredRoles) {
    if (parties[role] === undefined) throw badInput(`demo token for \`${role}\``, "needs a party id");
  }
  await revokeDemoTokens(tokens);
  const issued: DemoToken[] = [];
  for (const role of roles) {
    const partyId = parties[role];
    const input = { role, label: `${demoLabelPrefix}${role}`, ...(partyId === undefined ? {} : { partyId }) };
    const { token, secret } = await tokens.create(input);
    issued.push({ role, partyId: token.partyId, id: token.id, token: secret });
  }
  return issued;
}
