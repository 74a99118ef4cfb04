// The resident page's top level: checks the login, shows the login form or the resident's own home.
import type { Session } from '@inrupt/solid-client-authn-browser';
import { useEffect, useState } from 'preact/hooks';
import { Failure } from '../shared/status.tsx';
import { LoginForm } from './login-form.tsx';
import { ResidentHome } from './resident-home.tsx';
import { completeLogin } from './solid-login.ts';

type LoginState =
  | { status: 'checking' }
  | { status: 'out' }
  | { status: 'in'; webId: string }
  | { status: 'failed'; error: unknown };

/** The page for one browser session. */
export function ResidentPage({ session }: { session: Session }) {
  const [login, setLogin] = useState<LoginState>({ status: 'checking' });

  useEffect(() => {
    completeLogin(session).then(
      (loggedIn) => setLogin(loggedIn ? { status: 'in', webId: session.info.webId! } : { status: 'out' }),
      (error: unknown) => setLogin({ status: 'failed', error }),
    );
  }, [session]);

  const logOut = async () => {
    await session.logout();
    setLogin({ status: 'out' });
  };

  return (
    <>
      <header class="site">
        <div class="bar">
          <h1>homedata: your home data</h1>
          {login.status === 'in' && (
            <div class="actions">
              <span class="who">Logged in as {login.webId}</span>
              <button type="button" onClick={logOut}>
                Log out
              </button>
            </div>
          )}
        </div>
      </header>
      {login.status === 'in' ? (
        <ResidentHome session={{ webId: login.webId, fetch: session.fetch.bind(session) }} />
      ) : (
        <main id="main">
          {login.status === 'checking' && <p role="status">Checking your login…</p>}
          {login.status === 'failed' && <Failure error={login.error} />}
          {(login.status === 'out' || login.status === 'failed') && <LoginForm session={session} />}
        </main>
      )}
    </>
  );
}
