// Reads the `requests` table: the public list, one request, a council's own requests.
import type { Queryable } from '../db/database.ts';
import type { RequestRow } from '../db/schema/requests.ts';

/** A request with the name of the council that filed it. */
export type RequestWithCouncil = RequestRow & { council_name: string };

const SELECT = 'SELECT r.*, c.name AS council_name FROM requests r JOIN councils c ON c.id = r.council_id';

/** Every request, newest first. */
export function listRequests(db: Queryable): Promise<RequestWithCouncil[]> {
  return db.query<RequestWithCouncil>(`${SELECT} ORDER BY r.created_at DESC, r.id`);
}

/** One council's requests, newest first. */
export function listCouncilRequests(db: Queryable, councilId: string): Promise<RequestWithCouncil[]> {
  return db.query<RequestWithCouncil>(`${SELECT} WHERE r.council_id = $1 ORDER BY r.created_at DESC, r.id`, [
    councilId,
  ]);
}

/** One request, or null. */
export async function findRequest(db: Queryable, id: string): Promise<RequestWithCouncil | null> {
  const rows = await db.query<RequestWithCouncil>(`${SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}
