// Every edge names a bad field the same way: dotted path, one error per unknown key, the whole value as `root`.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, fieldErrorsOf } from '../src/validation-issues.ts';

const schema = z.strictObject({ period: z.object({ to: z.iso.date() }), metrics: z.array(z.string()) });

describe('zod issues in words', () => {
  it('names nested fields and array items by their dotted path', () => {
    const result = schema.safeParse({ period: { to: 'soon' }, metrics: ['a', 3] });
    expect(fieldErrorsOf(result.error!.issues).map((error) => error.field)).toEqual([
      'period.to',
      'metrics.1',
    ]);
  });

  it('gives each unknown key its own error', () => {
    const result = schema.safeParse({ period: { to: '2026-01-01' }, metrics: [], colour: 1, size: 2 });
    expect(fieldErrorsOf(result.error!.issues)).toEqual([
      { field: 'colour', message: 'unknown field' },
      { field: 'size', message: 'unknown field' },
    ]);
  });

  it('names an issue with the whole value by the caller’s root and joins issues into one line', () => {
    const result = schema.safeParse('not an object');
    expect(fieldErrorsOf(result.error!.issues, 'body')[0]?.field).toBe('body');
    expect(describeIssues(result.error!.issues)).toMatch(/^\(root\): /);
    const two = schema.safeParse({ period: { to: 'x' }, metrics: [1] });
    expect(describeIssues(two.error!.issues).split('; ')).toHaveLength(2);
  });
});
