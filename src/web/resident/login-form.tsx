// The login form: the resident names their pod provider and goes there to log in.
import type { Session } from '@inrupt/solid-client-authn-browser';
import { useEffect, useState } from 'preact/hooks';
import { describedBy, Field } from '../shared/form-field.tsx';
import { messageOf } from '../shared/problem.ts';
import { defaultIssuer, startLogin } from './solid-login.ts';

/** Asks for the provider (prefilled with the one the broker suggests) and starts the login. */
export function LoginForm({ session }: { session: Session }) {
  const [issuer, setIssuer] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void defaultIssuer().then((suggested) => setIssuer((typed) => typed || suggested));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    let url: URL;
    try {
      url = new URL(issuer.trim());
    } catch {
      setError('Enter the web address of your pod provider, starting with https://');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await startLogin(session, url.href);
    } catch (failure) {
      setBusy(false);
      setError(`Could not reach ${url.origin}: ${messageOf(failure)}`);
    }
  };

  return (
    <section aria-labelledby="login-title">
      <h2 id="login-title">Log in</h2>
      <p>
        Your home’s readings live in your own pod. Log in with your pod provider to see who asks for figures
        about homes like yours, to answer them, and to see who read your data.
      </p>
      <form onSubmit={submit} noValidate>
        <Field
          id="issuer"
          label="Your pod provider"
          hint="The web address you log in at, e.g. https://pods.example.org/"
          error={error}
        >
          <input
            id="issuer"
            name="issuer"
            type="url"
            autocomplete="url"
            value={issuer}
            onInput={(event) => setIssuer(event.currentTarget.value)}
            {...describedBy('issuer', true, error)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Going to your provider…' : 'Log in'}
        </button>
      </form>
    </section>
  );
}
