// Errors become RFC 9457 problem details, showing field errors but never the context a pod URL or WebID may sit in.
import { describe, expect, it } from 'vitest';
import { PodError, StorageFullError, ValidationError } from '../src/errors.ts';
import { problemFor, withoutUrls } from '../src/http-problem.ts';

describe('problem details', () => {
  it('list the field errors of a validation problem', () => {
    const problem = problemFor(
      new ValidationError('Invalid body: minCohort: too small', {
        errors: [{ field: 'minCohort', message: 'too small' }],
        pod: 'http://localhost:3000/alice/',
      }),
    );
    expect(problem).toEqual({
      type: 'https://homedata.dev/problems/validation',
      title: 'Invalid input',
      status: 422,
      detail: 'Invalid body: minCohort: too small',
      errors: [{ field: 'minCohort', message: 'too small' }],
    });
  });

  it('answer an oversized body with 413 and malformed JSON with 400', () => {
    expect(problemFor({ type: 'entity.too.large', status: 413, limit: 65536 })).toMatchObject({
      status: 413,
      type: 'https://homedata.dev/problems/payload-too-large',
    });
    expect(problemFor({ type: 'entity.parse.failed', status: 400 })).toMatchObject({ status: 400 });
  });

  it('never show where an upstream pod failed, or what an unexpected error said', () => {
    const pod = problemFor(
      new PodError('GET http://localhost:3000/alice/homedata/home answered 500', { url: 'x' }),
    );
    expect(pod).toMatchObject({ status: 502 });
    expect(JSON.stringify(pod)).not.toContain('alice');
    const internal = problemFor(new Error('secret at http://localhost:3000/alice/'));
    expect(internal).toMatchObject({ status: 500 });
    expect(JSON.stringify(internal)).not.toContain('alice');
  });

  it('log failures without the URLs of pods or WebIDs', () => {
    expect(
      withoutUrls('GET http://localhost:3000/alice/homedata/home answered 500 (https://x.example/#me)'),
    ).toBe('GET <url> answered 500 (<url>)');
  });
});

describe('problem details at the gateway input', () => {
  it('never show the message of a 5xx, and title it from the table, not the class name', () => {
    const full = problemFor(new StorageFullError('disk full at /var/lib/homedata/alice/outbox.db'));
    expect(full).toEqual({
      type: 'https://homedata.dev/problems/insufficient-storage',
      title: 'Insufficient storage',
      status: 507,
      detail: 'The server or one it depends on failed; try again later',
    });
  });

  it('answer an error outside the family with the status the edge chooses', () => {
    expect(problemFor(new Error('boom'), { problem: 'unavailable', status: 503 })).toMatchObject({
      type: 'https://homedata.dev/problems/unavailable',
      title: 'Service unavailable',
      status: 503,
    });
  });
});
