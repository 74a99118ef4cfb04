// The new-request form: the broker's schema checks it as the council types, and the broker's answer is shown per field.
import { useRef, useState } from 'preact/hooks';
import { METRIC_IDS } from '../../metrics/index.ts';
import { describedBy, Field, FieldGroup } from '../shared/form-field.tsx';
import { metricName } from '../shared/metric-words.ts';
import { messageOf, ProblemError } from '../shared/problem.ts';
import { purposeLabel } from '../shared/purpose-words.ts';
import type { BrokerInfo } from '../../broker/contract.ts';
import type { CouncilApi } from './council-api.ts';
import {
  emptyForm,
  formErrorsOf,
  requestBodyOf,
  validateRequestForm,
  type FormErrors,
  type FormField,
  type RequestFormValues,
} from './request-form-model.ts';

/** Where each field's error links to in the summary: the input, or the group for checkboxes and radios. */
const FIELD_TARGET: Record<FormField, string> = {
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

interface RequestFormProps {
  api: CouncilApi;
  policy: BrokerInfo;
  onFiled: (title: string) => void;
}

/** The form; on success it empties itself and tells the dashboard. */
export function RequestForm({ api, policy, onFiled }: RequestFormProps) {
  const [values, setValues] = useState<RequestFormValues>(() => emptyForm(policy));
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  const set = <F extends FormField>(field: F, value: RequestFormValues[F]) => {
    setValues((previous) => ({ ...previous, [field]: value }));
  };
  const text = (field: Exclude<FormField, 'metrics'>, hinted = false) => ({
    id: FIELD_TARGET[field],
    name: field,
    value: values[field],
    onInput: (event: Event) => set(field, (event.currentTarget as HTMLInputElement).value),
    ...describedBy(FIELD_TARGET[field], hinted, errors[field]),
  });
  const showErrors = (found: FormErrors) => {
    setErrors(found);
    requestAnimationFrame(() => summary.current?.focus());
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const found = validateRequestForm(values, policy, new Date());
    if (Object.keys(found).length > 0) {
      showErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.createRequest(requestBodyOf(values));
      const title = values.title.trim();
      setValues(emptyForm(policy));
      onFiled(title);
    } catch (error) {
      // The broker has the last word (its clock, its rules): show its field errors where they belong.
      const fieldErrors = error instanceof ProblemError ? formErrorsOf(error.fieldErrors) : {};
      if (Object.keys(fieldErrors).length > 0) showErrors(fieldErrors);
      else setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  const errorList = (Object.entries(errors) as [FormField, string][]).filter(([, message]) => message);
  return (
    <form onSubmit={submit} noValidate aria-describedby="request-form-intro">
      <p id="request-form-intro">
        Residents see every field below, in plain words, before they decide. Figures come only from residents
        who agree, and only for groups of at least the minimum size.
      </p>
      {errorList.length > 0 && (
        <div
          class="error-summary"
          role="alert"
          tabIndex={-1}
          ref={summary}
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
      )}
      {failure && (
        <div class="notice error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      <Field id="request-title" label="Title" error={errors.title}>
        <input type="text" maxLength={200} {...text('title')} />
      </Field>
      <Field id="request-purpose" label="Purpose" error={errors.purpose}>
        <select {...text('purpose')}>
          {policy.purposes.map((purpose) => (
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
        <textarea maxLength={4000} {...text('description', true)} />
      </Field>
      <FieldGroup id="request-metrics" label="Figures" hint="Choose at least one." error={errors.metrics}>
        {METRIC_IDS.map((metric) => (
          <label class="choice" key={metric}>
            <input
              type="checkbox"
              name="metrics"
              value={metric}
              checked={values.metrics.includes(metric)}
              onChange={(event) =>
                set(
                  'metrics',
                  event.currentTarget.checked
                    ? [...values.metrics, metric]
                    : values.metrics.filter((chosen) => chosen !== metric),
                )
              }
            />
            <span>{metricName(metric)}</span>
          </label>
        ))}
      </FieldGroup>
      <Field
        id="request-areas"
        label="Areas"
        hint="ONS GSS codes such as E05018412, separated by commas or spaces."
        error={errors.areas}
      >
        <input type="text" autocomplete="off" spellcheck={false} {...text('areas', true)} />
      </Field>
      <Field id="request-from" label="Period from" error={errors.from}>
        <input type="date" {...text('from')} />
      </Field>
      <Field id="request-to" label="Period to (inclusive)" error={errors.to}>
        <input type="date" {...text('to')} />
      </Field>
      <FieldGroup id="request-granularity" label="Figures per" error={errors.granularity}>
        {(['month', 'week'] as const).map((granularity) => (
          <label class="choice" key={granularity}>
            <input
              type="radio"
              name="granularity"
              value={granularity}
              checked={values.granularity === granularity}
              onChange={() => set('granularity', granularity)}
            />
            <span>{granularity === 'month' ? 'Month' : 'Week'}</span>
          </label>
        ))}
      </FieldGroup>
      <FieldGroup
        id="request-split"
        label="Figures for"
        hint="Fixed for every run of this request: one request cannot be run both ways."
        error={errors.split}
      >
        {(['none', 'dwellingType'] as const).map((split) => (
          <label class="choice" key={split}>
            <input
              type="radio"
              name="split"
              value={split}
              checked={values.split === split}
              onChange={() => set('split', split)}
            />
            <span>{split === 'none' ? 'Each area' : 'Each area and dwelling type'}</span>
          </label>
        ))}
      </FieldGroup>
      <Field
        id="request-min-cohort"
        label="Minimum group size (homes)"
        hint={`No figure is released for fewer homes. At least ${policy.kFloor}.`}
        error={errors.minCohort}
      >
        <input type="number" inputMode="numeric" min={policy.kFloor} step={1} {...text('minCohort', true)} />
      </Field>
      <Field
        id="request-consent-until"
        label="Ask for consent until"
        hint="Consents end on this date; residents can withdraw sooner."
        error={errors.consentUntil}
      >
        <input type="date" {...text('consentUntil', true)} />
      </Field>
      <Field
        id="request-epsilon"
        label="Differential privacy ε (optional)"
        hint="Leave empty for none. Smaller values add more noise."
        error={errors.epsilon}
      >
        <input type="number" inputMode="decimal" step="any" min={0} {...text('epsilon', true)} />
      </Field>
      <button type="submit" disabled={busy}>
        {busy ? 'Filing…' : 'File request'}
      </button>
    </form>
  );
}
