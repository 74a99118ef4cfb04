// Enrols test homes in the broker's home register, as an operator would with `homedata home enrol`.
import type { Queryable } from '../../src/broker/db/database.ts';
import type { EnrolledHomeRow } from '../../src/broker/db/schema/enrolled-homes.ts';
import { enrolHome } from '../../src/broker/homes/home-register-transactor.ts';

/** The gateway test homes name unless told otherwise (the summaries are written by the resident in tests). */
export const TEST_GATEWAY_WEBID = 'https://gateway.example/profile/card#me';

/** A home to enrol: its pod, and optionally its id, gateway, resident and area. */
export interface TestHome {
  pod: string;
  homeId?: string;
  gatewayWebId?: string;
  residentWebId?: string;
  /** The home's area (GSS code): requests for it are offered to the resident's inbox. */
  area?: string;
}

/** A home id from the pod's last path segment (test pod names are unique per run), e.g. `test-alice-1a2b3c4d`. */
export function testHomeId(pod: string): string {
  const name = new URL(pod).pathname.split('/').filter(Boolean).at(-1) ?? 'root';
  return `test-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`.slice(0, 64);
}

/** Enrols each home (one pod, one home), so that consents from its pod count. */
export async function enrolTestHomes(db: Queryable, homes: readonly TestHome[]): Promise<EnrolledHomeRow[]> {
  const enrolled: EnrolledHomeRow[] = [];
  for (const home of homes) {
    enrolled.push(
      await enrolHome(db, {
        homeId: home.homeId ?? testHomeId(home.pod),
        pod: home.pod,
        gatewayWebId: home.gatewayWebId ?? TEST_GATEWAY_WEBID,
        ...(home.residentWebId === undefined ? {} : { residentWebId: home.residentWebId }),
        ...(home.area === undefined ? {} : { area: home.area }),
      }),
    );
  }
  return enrolled;
}
