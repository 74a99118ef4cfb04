// Resident routes: tell the broker about a consent (it reads and checks the record), withdraw it, list one's own.
import { consentNoticeSchema, registeredConsentSchema } from '../contract.ts';
import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import { findActiveConsent, listResidentConsents } from '../consents/consent-reader.ts';
import { withdrawConsent } from '../consents/consent-transactor.ts';
import { registerConsent } from '../consents/register-consent.ts';
import type { BrokerContext } from '../context.ts';
import { requireJson } from '../http/require-json.ts';
import { requireResident, residentOf } from '../http/resident-auth.ts';
import { parseInput } from '../http/validate.ts';
import { findRequest } from '../requests/request-reader.ts';
import { requestIdParam } from './path-params.ts';

/** Routes a resident calls with their own Solid-OIDC session. */
export function consentRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const resident = requireResident(ctx.verifyResident, ctx.publicUrl);

  router.post('/requests/:id/consents', resident, requireJson, async (req, res) => {
    const requestId = requestIdParam(req.params.id);
    const { pod } = parseInput(consentNoticeSchema, req.body);
    const registered = await registerConsent(ctx, requestId, residentOf(res).webId, pod);
    ctx.logger.info({ requestId }, 'consent registered');
    const consent = await findActiveConsent(ctx.db, requestId, residentOf(res).webId, ctx.clock());
    // In the background: the pod server tells the broker when the record changes (a hint to read it again).
    if (consent) ctx.watches.watch(consent);
    res.status(201).json(registeredConsentSchema.parse(registered));
  });

  router.delete('/requests/:id/consents/me', resident, async (req, res) => {
    const requestId = requestIdParam(req.params.id);
    if (!(await findRequest(ctx.db, requestId))) throw new NotFoundError('No such request');
    // Withdrawing needs no check in the pod: it can only take access away. Repeating it is harmless.
    if (await withdrawConsent(ctx.db, requestId, residentOf(res).webId, ctx.clock())) {
      ctx.logger.info({ requestId }, 'consent withdrawn');
    }
    res.status(204).end();
  });

  router.get('/residents/me/consents', resident, async (_req, res) => {
    const now = ctx.clock();
    const rows = await listResidentConsents(ctx.db, residentOf(res).webId);
    res.json({
      consents: rows.map((row) => ({
        requestId: row.request_id,
        state: row.state === 'given' && row.expires_at <= now ? 'expired' : row.state,
        givenAt: row.given_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
      })),
    });
  });
  return router;
}
