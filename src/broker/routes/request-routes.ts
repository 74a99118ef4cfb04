// Council requests: the public list and detail, and `POST /api/requests` for councils.
import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';
import { councilOf, requireCouncil } from '../http/council-auth.ts';
import { requireJson } from '../http/require-json.ts';
import { parseInput } from '../http/validate.ts';
import { findRequest, listRequests } from '../requests/request-reader.ts';
import { assertCellsWithinLimit } from '../requests/request-bounds.ts';
import { createRequestSchema } from '../requests/request-schema.ts';
import { createRequest } from '../requests/request-transactor.ts';
import { publicRequest } from '../requests/request-view.ts';
import { requestIdParam } from './path-params.ts';

/** Routes under `/api/requests` that concern requests themselves (consents are in consent-routes.ts). */
export function requestRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const schema = createRequestSchema({
    purposes: ctx.config.purposes,
    kFloor: ctx.config.kFloor,
    now: ctx.clock,
    maxPeriodMonths: ctx.config.limits.maxPeriodMonths,
    privateAggregation: ctx.prio3 !== undefined,
  });

  router.get('/requests', async (_req, res) => {
    const now = ctx.clock();
    res.json({ requests: (await listRequests(ctx.db)).map((row) => publicRequest(row, now)) });
  });

  router.get('/requests/:id', async (req, res) => {
    const row = await findRequest(ctx.db, requestIdParam(req.params.id));
    if (!row) throw new NotFoundError('No such request');
    res.json(publicRequest(row, ctx.clock()));
  });

  router.post('/requests', requireCouncil(ctx.db), requireJson, async (req, res) => {
    const council = councilOf(res);
    const input = parseInput(schema, req.body);
    // The split is fixed on the request, so its runs plan exactly these cells.
    assertCellsWithinLimit(
      { ...input, byDwellingType: input.split === 'dwellingType' },
      ctx.config.limits.maxCells,
    );
    const now = ctx.clock();
    const id = await createRequest(ctx.db, council.id, input, now);
    ctx.logger.info({ requestId: id, council: council.id }, 'request filed');
    // In the background: no pod's answer, slowness or failure reaches the council.
    ctx.offers.announce(id);
    const row = await findRequest(ctx.db, id);
    res.status(201).location(`${ctx.publicUrl}api/requests/${id}`).json(publicRequest(row!, now));
  });
  return router;
}
