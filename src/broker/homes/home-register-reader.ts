// Reads the home register: every enrolled home, those in some areas, one by id, one by its pod.
import type { Queryable } from '../db/database.ts';
import type { EnrolledHomeRow } from '../db/schema/enrolled-homes.ts';

/** Every enrolled home, by home id. */
export function listEnrolledHomes(db: Queryable): Promise<EnrolledHomeRow[]> {
  return db.query<EnrolledHomeRow>('SELECT * FROM enrolled_homes ORDER BY home_id');
}

/** Enrolled homes in any of `areas` whose resident's WebID is known: the homes a request for those areas is offered to. */
export function listEnrolledHomesIn(db: Queryable, areas: readonly string[]): Promise<EnrolledHomeRow[]> {
  return db.query<EnrolledHomeRow>(
    'SELECT * FROM enrolled_homes WHERE area = ANY($1::text[]) AND resident_webid IS NOT NULL ORDER BY home_id',
    [areas],
  );
}

/** The home enrolled under `homeId`, or null. */
export async function findEnrolledHome(db: Queryable, homeId: string): Promise<EnrolledHomeRow | null> {
  const rows = await db.query<EnrolledHomeRow>('SELECT * FROM enrolled_homes WHERE home_id = $1', [homeId]);
  return rows[0] ?? null;
}

/** The home whose pod is `pod` (compared in its normalised spelling, `new URL(pod).href`), or null. */
export async function findEnrolledHomeByPod(db: Queryable, pod: string): Promise<EnrolledHomeRow | null> {
  const rows = await db.query<EnrolledHomeRow>('SELECT * FROM enrolled_homes WHERE pod = $1', [pod]);
  return rows[0] ?? null;
}
