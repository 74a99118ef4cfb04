// Path parameters shared by routes: a request id is a UUID, and anything else names no request.
import { requestIdSchema } from '../contract.ts';
import { NotFoundError } from '../../errors.ts';

/** The `:id` of a request route; a malformed id is a 404 like an unknown one. */
export function requestIdParam(value: unknown): string {
  const parsed = requestIdSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError('No such request');
  return parsed.data;
}
