// The three states every list and chart has besides its content: loading, empty and failed.
import { messageOf } from './problem.ts';

/** A polite "loading" line that screen readers announce. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" class="muted">
      Loading {what}…
    </p>
  );
}

/** Says that there is nothing to show, and why that is fine. */
export function Empty({ children }: { children: preact.ComponentChildren }) {
  return <p class="notice">{children}</p>;
}

/** A failure in words, with a way to try again when one helps. */
export function Failure({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div class="notice error" role="alert">
      <p>{messageOf(error)}</p>
      {retry && (
        <button type="button" class="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
