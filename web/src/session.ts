// The signed-in session: the token is kept in sessionStorage (this tab, until it closes or the
// user signs out), never in localStorage or a cookie; the principal comes from GET /v1/session.
import { Api, type Session } from "./api/client.ts";

const tokenKey = "sluice.token";

export interface SignedIn {
  api: Api;
  session: Session;
}

export const storedToken = (): string | null => sessionStorage.getItem(tokenKey);

export async function signIn(token: string): Promise<SignedIn> {
  const api = new Api(token.trim());
  const session = await api.get<Session>("/v1/session");
  sessionStorage.setItem(tokenKey, api.token);
  return { api, session };
}

export function signOut(): void {
  sessionStorage.removeItem(tokenKey);
}
