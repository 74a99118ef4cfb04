// Signing in with the council's API key; a key saved in this tab is tried at once.
import { useEffect, useState } from 'preact/hooks';
import { messageOf, ProblemError } from '../shared/problem.ts';

interface SignInProps {
  notice: string | null;
  savedKey: string | null;
  onSignIn: (key: string) => Promise<void>;
  onSavedKeyRejected: () => void;
}

/** The key form. */
export function SignInForm({ notice, savedKey, onSignIn, onSavedKeyRejected }: SignInProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(savedKey !== null);

  useEffect(() => {
    if (savedKey === null) return;
    onSignIn(savedKey).catch((failure: unknown) => {
      setBusy(false);
      if (failure instanceof ProblemError && failure.status === 401) onSavedKeyRejected();
      else setError(messageOf(failure));
    });
  }, [savedKey]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (key.trim() === '') {
      setError('Enter your council’s API key');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(key.trim());
    } catch (failure) {
      setBusy(false);
      setError(
        failure instanceof ProblemError && failure.status === 401
          ? 'That key was not accepted. Check it and try again.'
          : messageOf(failure),
      );
    }
  };

  if (busy && savedKey !== null) return <p role="status">Signing in…</p>;
  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <p>
        Sign in with the API key homedata gave your council. The key stays in this browser tab only and is
        forgotten when you close it.
      </p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="council-key">Council API key</label>
          {error && (
            <p class="field-error" id="council-key-error" role="alert">
              {error}
            </p>
          )}
          <input
            id="council-key"
            name="key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={key}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'council-key-error' : undefined}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
