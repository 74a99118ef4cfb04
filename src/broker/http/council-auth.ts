// Authenticates councils by `Authorization: Bearer KEY` against the hashed keys in the database.
import type { RequestHandler, Response } from 'express';
import { AuthenticationError } from '../../errors.ts';
import { findCouncilByKey, type Council } from '../councils/council-reader.ts';
import type { Queryable } from '../db/database.ts';

const CHALLENGE = 'Bearer realm="homedata broker"';

/** Requires a valid council key; the council is then in `res.locals.council`. */
export function requireCouncil(db: Queryable): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) {
      throw new AuthenticationError('Send the council API key as Authorization: Bearer KEY', {
        challenge: CHALLENGE,
      });
    }
    const council = await findCouncilByKey(db, match[1]!);
    if (!council) throw new AuthenticationError('Unknown API key', { challenge: CHALLENGE });
    res.locals.council = council;
    next();
  };
}

/** The council `requireCouncil` authenticated. */
export function councilOf(res: Response): Council {
  return res.locals.council as Council;
}
