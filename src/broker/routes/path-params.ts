// Path parameters shared by routes: an id of the wrong form names nothing, so it is a 404 like an unknown one.
import type { z } from 'zod';
import { deliveryIdSchema, requestIdSchema, runIdSchema } from '../contract.ts';
import { NotFoundError } from '../../errors.ts';

/** A reader of one kind of id in a path: the id when `schema` accepts it, else a NotFoundError saying `notFound`. */
function idParam(schema: z.ZodType<string>, notFound: string): (value: unknown) => string {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new NotFoundError(notFound);
    return parsed.data;
  };
}

/** The `:id` of a request route. */
export const requestIdParam = idParam(requestIdSchema, 'No such request');

/** The `:run` of a run route. */
export const runIdParam = idParam(runIdSchema, 'No such run');

/** The `:delivery` of a webhook delivery replay (another council's is a 404 too, further on). */
export const deliveryIdParam = idParam(deliveryIdSchema, 'No such delivery');
