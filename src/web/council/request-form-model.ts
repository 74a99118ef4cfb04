// The new-request form as data: its values, the API body they make, and the broker's own schema checking them.
import { createRequestSchema } from '../../broker/contract.ts';
import { fieldErrorsOf } from '../../validation-issues.ts';
import { messageOf, ProblemError } from '../shared/problem.ts';

/** What the form holds: text as typed, so a half-typed number stays on screen. */
export interface RequestFormValues {
  title: string;
  purpose: string;
  description: string;
  metrics: string[];
  /** Area codes separated by commas, spaces or new lines. */
  areas: string;
  from: string;
  to: string;
  granularity: string;
  /** `none` or `dwellingType`: fixed for every run of the request. */
  split: string;
  minCohort: string;
  consentUntil: string;
  /** Empty for no differential privacy. */
  epsilon: string;
}

export type FormField = keyof RequestFormValues;

/** Field messages by form field; the first problem of each field. */
export type FormErrors = Partial<Record<FormField, string>>;

/** The broker rules the form checks against (from `GET /api/broker`). */
export interface FormPolicy {
  purposes: readonly string[];
  kFloor: number;
}

/** An empty form with the broker's floor as the minimum group size and monthly figures. */
export function emptyForm(policy: FormPolicy): RequestFormValues {
  return {
    title: '',
    purpose: policy.purposes[0] ?? '',
    description: '',
    metrics: [],
    areas: '',
    from: '',
    to: '',
    granularity: 'month',
    split: 'none',
    minCohort: String(policy.kFloor),
    consentUntil: '',
    epsilon: '',
  };
}

/** A number as typed: empty stays absent, anything else is sent as a number (NaN fails the schema, as it should). */
function numberOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** The `POST /api/requests` body the form stands for. */
export function requestBodyOf(values: RequestFormValues): Record<string, unknown> {
  const minCohort = numberOf(values.minCohort);
  const epsilon = numberOf(values.epsilon);
  return {
    title: values.title,
    purpose: values.purpose,
    description: values.description,
    metrics: values.metrics,
    areas: values.areas
      .split(/[\s,;]+/)
      .map((area) => area.trim().toUpperCase())
      .filter((area) => area !== ''),
    period: { from: values.from, to: values.to },
    granularity: values.granularity,
    split: values.split,
    ...(minCohort === undefined ? {} : { minCohort }),
    consentUntil: values.consentUntil,
    ...(epsilon === undefined ? {} : { dp: { epsilon } }),
  };
}

/** The API names fields by path (`period.to`, `metrics.1`, `dp.epsilon`); this is the form field showing it. */
export function formFieldOf(apiField: string): FormField | undefined {
  const [head, next] = apiField.split('.');
  if (head === 'period') return next === 'to' ? 'to' : 'from';
  if (head === 'dp') return 'epsilon';
  const fields: readonly string[] = [
    'title',
    'purpose',
    'description',
    'metrics',
    'areas',
    'granularity',
    'split',
    'minCohort',
    'consentUntil',
  ];
  return head !== undefined && fields.includes(head) ? (head as FormField) : undefined;
}

/** Puts field errors from the broker (or the schema) on the form, first message per field. */
export function formErrorsOf(errors: readonly { field: string; message: string }[]): FormErrors {
  const out: FormErrors = {};
  for (const { field, message } of errors) {
    const formField = formFieldOf(field);
    if (formField && out[formField] === undefined) out[formField] = message;
  }
  return out;
}

/** Checks the form with the broker's schema, so the page says exactly what the API would; empty when valid. */
export function validateRequestForm(values: RequestFormValues, policy: FormPolicy, now: Date): FormErrors {
  const schema = createRequestSchema({ purposes: policy.purposes, kFloor: policy.kFloor, now: () => now });
  const result = schema.safeParse(requestBodyOf(values));
  if (result.success) return {};
  return formErrorsOf(fieldErrorsOf(result.error.issues));
}

/** What filing came to: the title filed, the broker's field errors to show on the form, or a failure in words. */
export type FilingResult = { filed: string } | { errors: FormErrors } | { failure: string };

/** Sends a checked form; the broker has the last word (its clock, its rules), so its field errors come back per field. */
export async function fileRequestForm(
  values: RequestFormValues,
  send: (body: Record<string, unknown>) => Promise<unknown>,
): Promise<FilingResult> {
  try {
    await send(requestBodyOf(values));
    return { filed: values.title.trim() };
  } catch (error) {
    const fieldErrors = error instanceof ProblemError ? formErrorsOf(error.fieldErrors) : {};
    return Object.keys(fieldErrors).length > 0 ? { errors: fieldErrors } : { failure: messageOf(error) };
  }
}
