// Sign in with an API token (from `npm start`'s output or an administrator); the token stays in
// this tab's session storage until sign out.
import { useState } from "preact/hooks";
import { messageOf } from "../components/ui.tsx";
import { type SignedIn, signIn } from "../session.ts";

export function SignIn({ onSignedIn }: { onSignedIn: (signedIn: SignedIn) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(await signIn(token));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>
        Sluice <span lang="zh">出口管制</span>
      </h1>
      <p>Export-control decisions, the volume cap and the record that proves them.</p>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || token.trim() === ""}>
          Sign in
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <p class="muted">`npm start` prints one demo token per role.</p>
    </main>
  );
}
