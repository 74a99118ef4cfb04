// The council's request form says what the API would say, field by field, before anything is sent.
import { describe, expect, it } from 'vitest';
import {
  emptyForm,
  fileRequestForm,
  formErrorsOf,
  formFieldOf,
  requestBodyOf,
  validateRequestForm,
  type RequestFormValues,
} from '../../src/web/council/request-form-model.ts';
import { ProblemError } from '../../src/web/shared/problem.ts';

const POLICY = { purposes: ['https://w3id.org/dpv#ImprovePublicServices'], kFloor: 10 };
const NOW = new Date('2026-11-26T12:00:00Z');

/** A form a council could file as it is. */
function validForm(): RequestFormValues {
  return {
    ...emptyForm(POLICY),
    title: 'Damp in winter',
    description: 'Where to send insulation grants first.',
    metrics: ['damp.rh70.hours'],
    areas: 'e05018412, E05018419\nE05017207',
    from: '2026-01-01',
    to: '2026-01-31',
    consentUntil: '2027-06-30',
  };
}

describe('request form', () => {
  it('starts with the broker floor as minimum group size, monthly figures and the first allowed purpose', () => {
    expect(emptyForm(POLICY)).toMatchObject({
      minCohort: '10',
      granularity: 'month',
      purpose: POLICY.purposes[0],
    });
  });

  it('builds the API body: areas split and upper-cased, numbers as numbers, no dp when ε is empty', () => {
    expect(requestBodyOf(validForm())).toEqual({
      title: 'Damp in winter',
      purpose: POLICY.purposes[0],
      description: 'Where to send insulation grants first.',
      metrics: ['damp.rh70.hours'],
      areas: ['E05018412', 'E05018419', 'E05017207'],
      period: { from: '2026-01-01', to: '2026-01-31' },
      granularity: 'month',
      split: 'none',
      minCohort: 10,
      consentUntil: '2027-06-30',
    });
    expect(requestBodyOf({ ...validForm(), split: 'dwellingType' })).toMatchObject({ split: 'dwellingType' });
    expect(requestBodyOf({ ...validForm(), epsilon: '0.5', minCohort: '' })).toMatchObject({
      dp: { epsilon: 0.5 },
    });
    expect(requestBodyOf({ ...validForm(), minCohort: '' })).not.toHaveProperty('minCohort');
  });

  it('accepts a valid form', () => {
    expect(validateRequestForm(validForm(), POLICY, NOW)).toEqual({});
  });

  it('gives the broker schema’s own messages on the fields that show them', () => {
    const errors = validateRequestForm(
      {
        ...validForm(),
        title: ' ',
        metrics: [],
        areas: 'nowhere',
        from: '2026-02-01',
        minCohort: '3',
        consentUntil: '2020-01-01',
      },
      POLICY,
      NOW,
    );
    expect(errors).toEqual({
      title: 'title must not be empty',
      metrics: 'name at least one metric',
      areas: 'an area is an ONS GSS code such as E05000001',
      to: 'period ends before it starts (to is before from)',
      minCohort: 'minCohort must be at least the server floor of 10',
      consentUntil: 'consentUntil must be in the future',
    });
  });

  it('checks an untouched form without throwing: every empty field gets its message', () => {
    expect(validateRequestForm(emptyForm(POLICY), POLICY, NOW)).toMatchObject({
      title: 'title must not be empty',
      metrics: 'name at least one metric',
      from: 'period.from is a date YYYY-MM-DD',
      to: 'period.to is a date YYYY-MM-DD',
    });
  });

  it('puts the API’s field paths on form fields', () => {
    expect(formFieldOf('period.to')).toBe('to');
    expect(formFieldOf('period.from')).toBe('from');
    expect(formFieldOf('metrics.1')).toBe('metrics');
    expect(formFieldOf('dp.epsilon')).toBe('epsilon');
    expect(formFieldOf('body')).toBeUndefined();
    expect(
      formErrorsOf([
        { field: 'areas.0', message: 'first' },
        { field: 'areas.1', message: 'second' },
      ]),
    ).toEqual({ areas: 'first' });
  });

  it('files the API body and gives back the trimmed title', async () => {
    const sent: unknown[] = [];
    const result = await fileRequestForm({ ...validForm(), title: '  Damp in winter ' }, async (body) => {
      sent.push(body);
    });
    expect(result).toEqual({ filed: 'Damp in winter' });
    expect(sent).toEqual([requestBodyOf({ ...validForm(), title: '  Damp in winter ' })]);
  });

  it('puts the broker’s refusal on the fields it names, or says it in words when it names none', async () => {
    const refusal = new ProblemError(400, 'Bad Request', 'invalid', 'about:blank', [
      { field: 'period.to', message: 'the broker says: too late' },
    ]);
    expect(await fileRequestForm(validForm(), () => Promise.reject(refusal))).toEqual({
      errors: { to: 'the broker says: too late' },
    });
    const conflict = new ProblemError(409, 'Conflict', 'a request with this title exists');
    expect(await fileRequestForm(validForm(), () => Promise.reject(conflict))).toEqual({
      failure: 'a request with this title exists',
    });
    expect(await fileRequestForm(validForm(), () => Promise.reject(new TypeError('fetch failed')))).toEqual({
      failure: 'The server could not be reached. Check your connection and try again.',
    });
  });
});
