// The app shell: sign in, then the pages this role may see (nav.ts) with the server's principal
// in the header. Routes are real paths (the server answers index.html for them), so a page's
// address can be bookmarked and shared; a page the role may not see is not routed at all.
import { useEffect, useState } from "preact/hooks";
import { Link, Redirect, Route, Switch, useLocation } from "wouter-preact";
import { Api, type Session } from "./api/client.ts";
import { messageOf } from "./components/ui.tsx";
import { pagesFor } from "./nav.ts";
import { Audit } from "./pages/Audit.tsx";
import { Decision } from "./pages/Decision.tsx";
import { Decisions } from "./pages/Decisions.tsx";
import { Evidence } from "./pages/Evidence.tsx";
import { Overview } from "./pages/Overview.tsx";
import { Parties } from "./pages/Parties.tsx";
import { Pipeline } from "./pages/Pipeline.tsx";
import { Reports } from "./pages/Reports.tsx";
import { Rulebooks } from "./pages/Rulebooks.tsx";
import { Shipment } from "./pages/Shipment.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { type SignedIn, signOut, storedToken } from "./session.ts";

type PageProps = { api: Api; session: Session };
type PageComponent = (props: PageProps) => preact.JSX.Element;

/**
 * A page loaded on first visit (its own chunk): the map (world outline, d3-geo) and the simulator
 * (the shipped scenario) stay out of the first page's script.
 */
function lazyPage(load: () => Promise<PageComponent>): PageComponent {
  let cached: PageComponent | undefined;
  return function LazyPage(props: PageProps) {
    const [Page, setPage] = useState<PageComponent | undefined>(() => cached);
    const [error, setError] = useState<string | undefined>(undefined);
    useEffect(() => {
      if (Page) return;
      load().then(
        (loaded) => {
          cached = loaded;
          setPage(() => loaded);
        },
        (failure: unknown) => setError(messageOf(failure)),
      );
    }, [Page]);
    if (error)
      return (
        <p class="error" role="alert">
          {error}
        </p>
      );
    return Page ? (
      <Page {...props} />
    ) : (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  };
}

/** The page components by path; a nav row without one here is a feature not built in this app yet. */
const pageComponents: Record<string, PageComponent> = {
  "/overview": Overview,
  "/pipeline": Pipeline,
  "/decisions": Decisions,
  "/parties": Parties,
  "/evidence": Evidence,
  "/rulebooks": Rulebooks,
  "/audit": Audit,
  "/reports": Reports,
  "/map": lazyPage(() => import("./pages/Map.tsx").then((m) => m.MapPage)),
  "/simulations": lazyPage(() => import("./pages/Simulator.tsx").then((m) => m.Simulator)),
};

function Shell({ signedIn, onSignOut }: { signedIn: SignedIn; onSignOut: () => void }) {
  const { api, session } = signedIn;
  const [location] = useLocation();
  const pages = pagesFor(session.actions).filter((page) => pageComponents[page.path]);
  const home = pages[0]?.path ?? "/rulebooks";
  const can = (action: string) => (session.actions as readonly string[]).includes(action);
  return (
    <>
      <header class="top">
        <a href="#main" class="skip">
          Skip to content
        </a>
        <strong class="brand">Sluice</strong>
        <nav aria-label="pages">
          {pages.map((page) => (
            <Link
              key={page.path}
              href={page.path}
              aria-current={location.startsWith(page.path) ? "page" : undefined}
            >
              {page.label}{" "}
              <span lang="zh" class="zh">
                {page.labelZh}
              </span>
            </Link>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {session.role}
          {session.partyId ? ` · ${session.partyId}` : ""}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Switch>
          {pages.map((page) => {
            const Page = pageComponents[page.path];
            return Page ? (
              <Route key={page.path} path={page.path}>
                {() => <Page api={api} session={session} />}
              </Route>
            ) : null;
          })}
          {can("shipments.read") && (
            <Route path="/shipments/:id">
              {(params) => <Shipment api={api} session={session} id={decodeURIComponent(params.id)} />}
            </Route>
          )}
          {can("decisions.read") && (
            <Route path="/decisions/:id">
              {(params) => <Decision api={api} session={session} id={decodeURIComponent(params.id)} />}
            </Route>
          )}
          <Route path="/">
            <Redirect to={home} replace />
          </Route>
          <Route>
            <p class="error" role="alert">
              No page at {location} for the role {session.role}.
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState<SignedIn | undefined>(undefined);
  const [restoring, setRestoring] = useState(storedToken() !== null);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const token = storedToken();
    if (token === null) return;
    const api = new Api(token);
    api.get<Session>("/v1/session").then(
      (session) => {
        setSignedIn({ api, session });
        setRestoring(false);
      },
      (failure: unknown) => {
        signOut();
        setError(messageOf(failure));
        setRestoring(false);
      },
    );
  }, []);
  if (restoring) return <p class="muted">Loading…</p>;
  if (!signedIn) {
    return (
      <>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <SignIn onSignedIn={setSignedIn} />
      </>
    );
  }
  return (
    <Shell
      signedIn={signedIn}
      onSignOut={() => {
        signOut();
        setSignedIn(undefined);
      }}
    />
  );
}
