// The request a council route acts on: it must exist and belong to the calling council.
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Queryable } from '../db/database.ts';
import { findRequest, type RequestWithCouncil } from '../requests/request-reader.ts';

/** The council's own request, else 404 (unknown) or 403 (another council's). */
export async function findOwnRequest(
  db: Queryable,
  requestId: string,
  councilId: string,
): Promise<RequestWithCouncil> {
  const row = await findRequest(db, requestId);
  if (!row) throw new NotFoundError('No such request');
  if (row.council_id !== councilId) throw new ForbiddenError('This request belongs to another council');
  return row;
}
