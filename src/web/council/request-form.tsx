// The new-request form: the broker's schema checks it as the council types, and the broker's answer is shown per field.
import { useRef, useState } from 'preact/hooks';
import { describedBy } from '../shared/form-field.tsx';
import type { BrokerInfo } from '../../broker/contract.ts';
import type { CouncilApi } from './council-api.ts';
import {
  AboutFields,
  DisclosureFields,
  ErrorSummary,
  FIELD_TARGET,
  MetricChoices,
  RadioChoices,
  WhereAndWhenFields,
  type TextField,
} from './request-form-fields.tsx';
import {
  emptyForm,
  fileRequestForm,
  validateRequestForm,
  type FormErrors,
  type FormField,
  type RequestFormValues,
} from './request-form-model.ts';

const GRANULARITIES = [
  { value: 'month', label: 'Month' },
  { value: 'week', label: 'Week' },
] as const;

const SPLITS = [
  { value: 'none', label: 'Each area' },
  { value: 'dwellingType', label: 'Each area and dwelling type' },
] as const;

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
  const text = (field: TextField, hinted = false) => ({
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
    const result = await fileRequestForm(values, (body) => api.createRequest(body));
    setBusy(false);
    if ('filed' in result) {
      setValues(emptyForm(policy));
      onFiled(result.filed);
    } else if ('errors' in result) showErrors(result.errors);
    else setFailure(result.failure);
  };

  return (
    <form onSubmit={submit} noValidate aria-describedby="request-form-intro">
      <p id="request-form-intro">
        Residents see every field below, in plain words, before they decide. Figures come only from residents
        who agree, and only for groups of at least the minimum size.
      </p>
      <ErrorSummary errors={errors} focusRef={summary} />
      {failure && (
        <div class="notice error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      <AboutFields input={text} errors={errors} purposes={policy.purposes} />
      <MetricChoices
        chosen={values.metrics}
        error={errors.metrics}
        onChange={(chosen) => set('metrics', chosen)}
      />
      <WhereAndWhenFields input={text} errors={errors} />
      <RadioChoices
        field="granularity"
        label="Figures per"
        options={GRANULARITIES}
        value={values.granularity}
        error={errors.granularity}
        onChange={(granularity) => set('granularity', granularity)}
      />
      <RadioChoices
        field="split"
        label="Figures for"
        hint="Fixed for every run of this request: one request cannot be run both ways."
        options={SPLITS}
        value={values.split}
        error={errors.split}
        onChange={(split) => set('split', split)}
      />
      <DisclosureFields input={text} errors={errors} kFloor={policy.kFloor} />
      <button type="submit" disabled={busy}>
        {busy ? 'Filing…' : 'File request'}
      </button>
    </form>
  );
}
