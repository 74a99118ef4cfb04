// The rule "one dwelling, one home": a consent counts only from the pod of a home the operator enrolled.
import { HomedataError } from '../../errors.ts';
import type { Queryable } from '../db/database.ts';
import { canonicalPodUrl } from './home-enrolment.ts';
import { findEnrolledHomeByPod } from './home-register-reader.ts';

/**
 * A consent named a pod the operator never enrolled. 403, not 422: the notice is well-formed and the resident
 * authenticated, but the broker's policy refuses to count that pod, and no change to the body can fix it; only
 * the operator can (`homedata home enrol`).
 */
export class HomeNotEnrolledError extends HomedataError {
  constructor(context: { requestId?: string } = {}) {
    super(
      'home-not-enrolled',
      403,
      'The pod is not an enrolled home; the operator enrols homes with `homedata home enrol`',
      context,
    );
  }
}

/** The home's enrolment names another resident: only that WebID may consent for it. */
export class NotHomeResidentError extends HomedataError {
  constructor(context: { requestId?: string } = {}) {
    super(
      'not-home-resident',
      403,
      'The pod is enrolled as the home of another resident; the operator records a home’s resident with ' +
        '`homedata home enrol --resident`',
      context,
    );
  }
}

/**
 * Checks, before anything is fetched from it, that `pod` is an enrolled home's pod and that `residentWebId` may
 * speak for that home; returns the pod in the register's spelling, which every later read and the consent row
 * use. Throws HomeNotEnrolledError or NotHomeResidentError (both 403).
 */
export async function enrolledPod(
  db: Queryable,
  pod: string,
  residentWebId: string,
  requestId?: string,
): Promise<string> {
  const canonical = canonicalPodUrl(pod);
  const home = canonical === null ? null : await findEnrolledHomeByPod(db, canonical);
  if (home === null) throw new HomeNotEnrolledError({ requestId });
  if (home.resident_webid !== null && home.resident_webid !== residentWebId) {
    throw new NotHomeResidentError({ requestId });
  }
  return home.pod;
}
