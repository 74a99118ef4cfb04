// Validates route input (body, path, query) with zod and turns every issue into a field error.
import type { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { describeIssues, fieldErrorsOf } from '../../validation-issues.ts';

/** Parses `value` with `schema` or throws a 422 ValidationError listing each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrorsOf(result.error.issues, what);
  throw new ValidationError(`Invalid ${what}: ${describeIssues(result.error.issues, what)}`, { errors });
}
