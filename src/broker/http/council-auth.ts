// Authenticates councils by `Authorization: Bearer KEY` against the hashed keys in the database.
import type { Request, RequestHandler, Response } from 'express';
import { AuthenticationError } from '../../errors.ts';
import { findCouncilByKey, type Council } from '../councils/council-reader.ts';
import type { Queryable } from '../db/database.ts';

const CHALLENGE = 'Bearer realm="homedata broker"';

/** The bearer key of a request, or null when it sends none. */
function bearerKey(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match ? match[1]! : null;
}

/**
 * The council whose valid key the request carries, or null (no key, or an unknown one). Looked up once per
 * request and kept in `res.locals.council`: the rate limiter asks first (to count per council), the route after.
 */
export async function identifyCouncil(db: Queryable, req: Request, res: Response): Promise<Council | null> {
  if (res.locals.council !== undefined) return res.locals.council as Council;
  const key = bearerKey(req);
  const council = key === null ? null : await findCouncilByKey(db, key);
  if (council !== null) res.locals.council = council;
  return council;
}

/** Requires a valid council key; the council is then in `res.locals.council`. */
export function requireCouncil(db: Queryable): RequestHandler {
  return async (req, res, next) => {
    if (bearerKey(req) === null) {
      throw new AuthenticationError('Send the council API key as Authorization: Bearer KEY', {
        challenge: CHALLENGE,
      });
    }
    const council = await identifyCouncil(db, req, res);
    if (!council) throw new AuthenticationError('Unknown API key', { challenge: CHALLENGE });
    next();
  };
}

/** The council `requireCouncil` authenticated. */
export function councilOf(res: Response): Council {
  return res.locals.council as Council;
}
