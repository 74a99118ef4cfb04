// A labelled form field with its hint and error, wired for screen readers (aria-describedby, aria-invalid).
import type { ComponentChildren } from 'preact';

/** The attributes an input needs to point at its hint and error. */
export function describedBy(id: string, hint: boolean, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-describedby': ids || undefined, 'aria-invalid': error ? ('true' as const) : undefined };
}

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ComponentChildren;
}

/** A field's hint and error, each with the id its input's aria-describedby names. */
function FieldNotes({ id, hint, error }: Pick<FieldProps, 'id' | 'hint' | 'error'>) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
    </>
  );
}

/** A single input with label, hint and error above it (errors above, so they are read before the input). */
export function Field({ id, label, hint, error, children }: FieldProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} />
      {children}
    </div>
  );
}

/** A group of checkboxes or radios with one legend, hint and error. */
export function FieldGroup({ id, label, hint, error, children }: FieldProps) {
  return (
    <fieldset
      class="field"
      id={id}
      aria-describedby={describedBy(id, Boolean(hint), error)['aria-describedby']}
      tabIndex={-1}
    >
      <legend>{label}</legend>
      <FieldNotes id={id} hint={hint} error={error} />
      {children}
    </fieldset>
  );
}
