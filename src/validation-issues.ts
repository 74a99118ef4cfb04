// Zod issues in words: one field error per issue (per unknown key), named by its dotted path, for every edge that
// validates (config files, HTTP routes, the council's request form, fixture sets, gateway inputs).
import type { z } from 'zod';

/** One invalid field: a dotted path into the input (`period.to`, `metrics.1`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The field errors of zod issues; an issue about the whole value is named `root`. Unknown keys give one error
 * each, named by the key: "exactly these fields" is checked field by field.
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], root = ''): FieldError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.join('.') || root, message: issue.message }];
  });
}

/** Zod issues as one line of `field: message` parts. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = '(root)'): string {
  return fieldErrorsOf(issues, root)
    .map(({ field, message }) => `${field}: ${message}`)
    .join('; ');
}
