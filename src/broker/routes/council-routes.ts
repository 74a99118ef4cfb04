// `GET /api/council/requests[/{id}]`: a council's own requests with state and consent progress (counts only ≥ k).
import { Router } from 'express';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { countActiveConsents } from '../consents/consent-reader.ts';
import type { BrokerContext } from '../context.ts';
import { councilOf, requireCouncil } from '../http/council-auth.ts';
import { findRequest, listCouncilRequests, type RequestWithCouncil } from '../requests/request-reader.ts';
import type { CouncilRequest } from '../contract.ts';
import { consentProgress, publicRequest } from '../requests/request-view.ts';
import { requestIdParam } from './path-params.ts';

/** The routes a council uses to follow its own requests; never which residents answered. */
export function councilRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.use('/council', requireCouncil(ctx.db));

  const view = async (row: RequestWithCouncil, now: Date): Promise<CouncilRequest> => ({
    ...publicRequest(row, now),
    consents: consentProgress(await countActiveConsents(ctx.db, row.id, now), row.min_cohort),
  });

  router.get('/council/requests', async (_req, res) => {
    const now = ctx.clock();
    const rows = await listCouncilRequests(ctx.db, councilOf(res).id);
    res.json({ council: councilOf(res), requests: await Promise.all(rows.map((row) => view(row, now))) });
  });

  router.get('/council/requests/:id', async (req, res) => {
    const row = await findRequest(ctx.db, requestIdParam(req.params.id));
    if (!row) throw new NotFoundError('No such request');
    if (row.council_id !== councilOf(res).id)
      throw new ForbiddenError('This request belongs to another council');
    res.json(await view(row, ctx.clock()));
  });
  return router;
}
