// Validates route input (body, path, query) with zod and turns every issue into a field error.
import type { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import type { FieldError } from '../../http-problem.ts';

/** Parses `value` with `schema` or throws a 422 ValidationError listing each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // One error per unknown key, named by the key: "exactly these fields" is checked field by field.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.join('.') || what, message: issue.message }];
  });
  const summary = errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, { errors });
}
