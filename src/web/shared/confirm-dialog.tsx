// A modal dialog that lists exactly what an action changes and asks to confirm it; shows the action's failure.
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './problem.ts';

interface ConfirmDialogProps {
  title: string;
  /** Each change, one sentence per line. */
  changes: readonly string[];
  confirmLabel: string;
  /** Red confirm button for actions that take something away. */
  danger?: boolean;
  /** Does the action; the dialog stays open with the error if it fails. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** The dialog; opened as a modal when mounted, so focus stays inside until it closes. */
export function ConfirmDialog({
  title,
  changes,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const element = dialog.current!;
    element.showModal();
    // Start at the top, so the changes are read before the buttons (WAI-ARIA dialog pattern, long content).
    heading.current?.focus();
    return () => element.close();
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-title"
      aria-describedby="confirm-changes"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id="confirm-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <div id="confirm-changes">
        <p>This is exactly what changes:</p>
        <ul>
          {changes.map((change) => (
            <li key={change}>{change}</li>
          ))}
        </ul>
      </div>
      {error !== null && (
        <p class="notice error" role="alert">
          {messageOf(error)}
        </p>
      )}
      {busy && (
        <p role="status" class="muted">
          Working on it…
        </p>
      )}
      <div class="actions">
        <button type="button" class={danger ? 'danger' : undefined} onClick={confirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
