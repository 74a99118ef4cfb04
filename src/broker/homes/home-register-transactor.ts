// Changes the home register: enrolling a dwelling with its pod and gateway, and removing it.
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { EnrolledHomeRow } from '../db/schema/enrolled-homes.ts';
import { parseInput } from '../http/validate.ts';
import { homeEnrolmentSchema, homeIdSchema } from './home-enrolment.ts';
import { findEnrolledHome, findEnrolledHomeByPod } from './home-register-reader.ts';

/**
 * Enrols a home: one home id, one pod, and one pod, one home. `input` is checked with `homeEnrolmentSchema` (a
 * ValidationError names each bad field); an id or pod already enrolled is a ConflictError naming which.
 */
export async function enrolHome(
  db: Queryable,
  input: unknown,
  now: Date = new Date(),
): Promise<EnrolledHomeRow> {
  const home = parseInput(homeEnrolmentSchema, input, 'home');
  const rows = await db.query<EnrolledHomeRow>(
    'INSERT INTO enrolled_homes (home_id, pod, gateway_webid, resident_webid, area, enrolled_at) ' +
      'VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *',
    [home.homeId, home.pod, home.gatewayWebId, home.residentWebId ?? null, home.area ?? null, now],
  );
  if (rows[0]) return rows[0];
  if (await findEnrolledHome(db, home.homeId)) {
    throw new ConflictError('home-exists', `Home ${home.homeId} is already enrolled (remove it first)`, {
      homeId: home.homeId,
    });
  }
  const owner = await findEnrolledHomeByPod(db, home.pod);
  throw new ConflictError(
    'pod-already-enrolled',
    `That pod is already enrolled as home ${owner?.home_id ?? '(removed meanwhile)'}: one pod is one home`,
    { homeId: home.homeId },
  );
}

/**
 * Removes a home from the register. Its consents stay in `consents` but no longer count: runs and the
 * council's consent count read only consents of enrolled homes, and every pod read re-checks that.
 */
export async function removeHome(db: Queryable, homeId: string): Promise<EnrolledHomeRow> {
  const id = parseInput(homeIdSchema, homeId, 'home id');
  const rows = await db.query<EnrolledHomeRow>('DELETE FROM enrolled_homes WHERE home_id = $1 RETURNING *', [
    id,
  ]);
  if (!rows[0]) throw new NotFoundError(`No home ${id} is enrolled`, { homeId: id });
  return rows[0];
}
