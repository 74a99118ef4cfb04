// The council dashboard: sign in with the council's key, then requests, runs and results.
import { useState } from 'preact/hooks';
import { CouncilApi } from './council-api.ts';
import { forgetKey, storedKey, storeKey } from './council-key.ts';
import { CouncilHome } from './council-home.tsx';
import { SignInForm } from './sign-in-form.tsx';

/** Who is signed in on this tab. */
interface SignedIn {
  api: CouncilApi;
  council: { id: string; name: string };
}

/** The page: the sign-in form until a key is accepted, the dashboard after. */
export function CouncilApp() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const saved = storedKey();

  const signIn = async (key: string) => {
    const api = new CouncilApi(key);
    const { council } = await api.listRequests();
    storeKey(key);
    setNotice(null);
    setSignedIn({ api, council });
  };
  const signOut = (message: string | null) => {
    forgetKey();
    setSignedIn(null);
    setNotice(message);
  };

  return (
    <>
      <header class="site">
        <div class="bar">
          <h1>homedata for councils</h1>
          {signedIn && (
            <div class="actions">
              <span class="who">Signed in as {signedIn.council.name}</span>
              <button type="button" onClick={() => signOut('You are signed out.')}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main">
        {signedIn ? (
          <CouncilHome api={signedIn.api} council={signedIn.council} />
        ) : (
          <SignInForm
            notice={notice}
            savedKey={saved}
            onSignIn={signIn}
            onSavedKeyRejected={() => signOut('Your key was not accepted any more; sign in again.')}
          />
        )}
      </main>
    </>
  );
}
