// Path parameters shared by routes: a request id is a UUID, and anything else names no request.
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';

const requestId = z.uuid();

/** The `:id` of a request route; a malformed id is a 404 like an unknown one. */
export function requestIdParam(value: unknown): string {
  const parsed = requestId.safeParse(value);
  if (!parsed.success) throw new NotFoundError('No such request');
  return parsed.data;
}
