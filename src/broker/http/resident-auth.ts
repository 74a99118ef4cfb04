// Authenticates residents by their Solid-OIDC DPoP-bound access token, verified with @solid/access-token-verifier.
import type { RequestHandler, Response } from 'express';
import type { RequestMethod, SolidTokenVerifierFunction } from '@solid/access-token-verifier';
import { AuthenticationError, HomedataError } from '../../errors.ts';
import { OutboundCallError } from '../trust/guarded-fetch.ts';

const CHALLENGE = 'DPoP realm="homedata broker", algs="ES256 RS256"';

/** The only text a refused resident token gets. */
export const TOKEN_REFUSED = 'Access token refused';

/** A resident the broker has verified: the WebID the token was issued to. */
export interface Resident {
  webId: string;
}

/**
 * Requires `Authorization: DPoP TOKEN` with a matching `DPoP` proof. The proof is bound to the URL the client
 * called, so the check uses the broker's public base URL, not the host the request arrived on.
 */
export function requireResident(verify: SolidTokenVerifierFunction, publicUrl: string): RequestHandler {
  const base = publicUrl.replace(/\/$/, '');
  return async (req, res, next) => {
    const authorization = req.get('authorization');
    const proof = req.get('dpop');
    if (!authorization?.startsWith('DPoP ') || !proof) {
      throw new AuthenticationError(
        'Send your Solid-OIDC access token as Authorization: DPoP with a DPoP proof',
        {
          challenge: CHALLENGE,
        },
      );
    }
    let webId: string;
    try {
      const token = await verify(authorization, {
        header: proof,
        method: req.method as RequestMethod,
        url: `${base}${req.originalUrl}`,
      });
      webId = token.webid;
    } catch (error) {
      // The broker's own failure (its database) is a 500; an unreachable or odd identity provider is not.
      if (error instanceof HomedataError && error.status >= 500 && !(error instanceof OutboundCallError)) {
        throw error;
      }
      // One fixed answer whatever went wrong: the reason (an upstream status, a connection error, the issuers a
      // profile lists) would tell an unauthenticated caller about servers it cannot reach itself (docs/security.md, M2).
      // The verifier logs the reason at debug level.
      throw new AuthenticationError(TOKEN_REFUSED, { challenge: CHALLENGE });
    }
    res.locals.resident = { webId } satisfies Resident;
    next();
  };
}

/** The resident `requireResident` authenticated. */
export function residentOf(res: Response): Resident {
  return res.locals.resident as Resident;
}
