// The new-request form's groups that are more than one input: the error summary, the figure checkboxes, the radios.
import type { Ref } from 'preact';
import { METRIC_IDS } from '../../metrics/index.ts';
import { Field, FieldGroup } from '../shared/form-field.tsx';
import { metricName } from '../shared/metric-words.ts';
import { purposeLabel } from '../shared/purpose-words.ts';
import type { FormErrors, FormField } from './request-form-model.ts';

/** Where each field's error links to in the summary: the input, or the group for checkboxes and radios. */
export const FIELD_TARGET: Record<FormField, string> = {
  title: 'request-title',
  purpose: 'request-purpose',
  description: 'request-description',
  metrics: 'request-metrics',
  areas: 'request-areas',
  from: 'request-from',
  to: 'request-to',
  granularity: 'request-granularity',
  split: 'request-split',
  minCohort: 'request-min-cohort',
  consentUntil: 'request-consent-until',
  epsilon: 'request-epsilon',
};

/** The fields typed as text (inputs, selects, text areas): all but the figure checkboxes. */
export type TextField = Exclude<FormField, 'metrics'>;

/** The attributes binding a text input to its form field: id, name, value, input handler and aria wiring. */
export type TextInputOf = (
  field: TextField,
  hinted?: boolean,
) => {
  id: string;
  name: string;
  value: string;
  onInput: (event: Event) => void;
  'aria-describedby': string | undefined;
  'aria-invalid': 'true' | undefined;
};

interface TextFieldsProps {
  input: TextInputOf;
  errors: FormErrors;
}

interface ErrorSummaryProps {
  errors: FormErrors;
  /** The summary takes focus after a failed submit, so a screen reader reads it first. */
  focusRef: Ref<HTMLDivElement>;
}

/** Every field error at the top of the form, each linking to its field; nothing when there are none. */
export function ErrorSummary({ errors, focusRef }: ErrorSummaryProps) {
  const errorList = (Object.entries(errors) as [FormField, string][]).filter(([, message]) => message);
  if (errorList.length === 0) return null;
  return (
    <div
      class="error-summary"
      role="alert"
      tabIndex={-1}
      ref={focusRef}
      aria-labelledby="request-errors-title"
    >
      <h3 id="request-errors-title">The request cannot be filed yet</h3>
      <ul>
        {errorList.map(([field, message]) => (
          <li key={field}>
            <a href={`#${FIELD_TARGET[field]}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface MetricChoicesProps {
  chosen: readonly string[];
  error: string | undefined;
  onChange: (chosen: string[]) => void;
}

/** One checkbox per figure the broker computes. */
export function MetricChoices({ chosen, error, onChange }: MetricChoicesProps) {
  return (
    <FieldGroup id="request-metrics" label="Figures" hint="Choose at least one." error={error}>
      {METRIC_IDS.map((metric) => (
        <label class="choice" key={metric}>
          <input
            type="checkbox"
            name="metrics"
            value={metric}
            checked={chosen.includes(metric)}
            onChange={(event) =>
              onChange(
                event.currentTarget.checked
                  ? [...chosen, metric]
                  : chosen.filter((previous) => previous !== metric),
              )
            }
          />
          <span>{metricName(metric)}</span>
        </label>
      ))}
    </FieldGroup>
  );
}

interface RadioChoicesProps<V extends string> {
  field: 'granularity' | 'split';
  label: string;
  hint?: string;
  options: readonly { value: V; label: string }[];
  value: string;
  error: string | undefined;
  onChange: (value: V) => void;
}

/** One radio per option, in a group named for the form field. */
export function RadioChoices<V extends string>({
  field,
  label,
  hint,
  options,
  value,
  error,
  onChange,
}: RadioChoicesProps<V>) {
  return (
    <FieldGroup id={FIELD_TARGET[field]} label={label} {...(hint ? { hint } : {})} error={error}>
      {options.map((option) => (
        <label class="choice" key={option.value}>
          <input
            type="radio"
            name={field}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </FieldGroup>
  );
}

/** What the request is and why: title, purpose, description. */
export function AboutFields({ input, errors, purposes }: TextFieldsProps & { purposes: readonly string[] }) {
  return (
    <>
      <Field id="request-title" label="Title" error={errors.title}>
        <input type="text" maxLength={200} {...input('title')} />
      </Field>
      <Field id="request-purpose" label="Purpose" error={errors.purpose}>
        <select {...input('purpose')}>
          {purposes.map((purpose) => (
            <option key={purpose} value={purpose}>
              {purposeLabel(purpose)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="request-description"
        label="Description"
        hint="What you will do with the figures, in words a resident understands."
        error={errors.description}
      >
        <textarea maxLength={4000} {...input('description', true)} />
      </Field>
    </>
  );
}

/** Which areas and which days the figures cover. */
export function WhereAndWhenFields({ input, errors }: TextFieldsProps) {
  return (
    <>
      <Field
        id="request-areas"
        label="Areas"
        hint="ONS GSS codes such as E05018412, separated by commas or spaces."
        error={errors.areas}
      >
        <input type="text" autocomplete="off" spellcheck={false} {...input('areas', true)} />
      </Field>
      <Field id="request-from" label="Period from" error={errors.from}>
        <input type="date" {...input('from')} />
      </Field>
      <Field id="request-to" label="Period to (inclusive)" error={errors.to}>
        <input type="date" {...input('to')} />
      </Field>
    </>
  );
}

/** How much is disclosed, and for how long consent is asked: minimum group size, consent end, ε. */
export function DisclosureFields({ input, errors, kFloor }: TextFieldsProps & { kFloor: number }) {
  return (
    <>
      <Field
        id="request-min-cohort"
        label="Minimum group size (homes)"
        hint={`No figure is released for fewer homes. At least ${kFloor}.`}
        error={errors.minCohort}
      >
        <input type="number" inputMode="numeric" min={kFloor} step={1} {...input('minCohort', true)} />
      </Field>
      <Field
        id="request-consent-until"
        label="Ask for consent until"
        hint="Consents end on this date; residents can withdraw sooner."
        error={errors.consentUntil}
      >
        <input type="date" {...input('consentUntil', true)} />
      </Field>
      <Field
        id="request-epsilon"
        label="Differential privacy ε (optional)"
        hint="Leave empty for none. Smaller values add more noise."
        error={errors.epsilon}
      >
        <input type="number" inputMode="decimal" step="any" min={0} {...input('epsilon', true)} />
      </Field>
    </>
  );
}
