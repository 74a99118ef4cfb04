// Council routes for its webhook: `PUT/GET/DELETE /api/council/webhook` and the delivery log with replay.
import { deliveriesQuerySchema } from '../contract.ts';
import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';
import { councilOf, requireCouncil } from '../http/council-auth.ts';
import { requireJson } from '../http/require-json.ts';
import { parseInput } from '../http/validate.ts';
import { deliveryIdParam } from '../routes/path-params.ts';
import { findCouncilWebhook, listCouncilDeliveries } from './webhook-reader.ts';
import { registerWebhook, removeWebhook, replayDelivery } from './webhook-transactor.ts';
import { assertWebhookAddress, webhookRegistrationSchema } from './webhook-url.ts';
import { deliveryView, webhookView } from './webhook-view.ts';

/** A council's own webhook and deliveries; nothing here names another council's. */
export function webhookRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const council = requireCouncil(ctx.db);
  const policy = ctx.config.webhooks;
  const registration = webhookRegistrationSchema(policy);

  router.put('/council/webhook', council, requireJson, async (req, res) => {
    const { url } = parseInput(registration, req.body);
    await assertWebhookAddress(url, policy);
    const row = await registerWebhook(ctx.db, councilOf(res).id, url, ctx.clock());
    ctx.logger.info({ councilId: row.council_id }, 'webhook registered');
    res.json({ ...webhookView(row), secret: row.secret });
  });

  router.get('/council/webhook', council, async (_req, res) => {
    const row = await findCouncilWebhook(ctx.db, councilOf(res).id);
    if (!row) throw new NotFoundError('No webhook registered');
    res.json(webhookView(row));
  });

  router.delete('/council/webhook', council, async (_req, res) => {
    await removeWebhook(ctx.db, councilOf(res).id);
    res.status(204).end();
  });

  router.get('/council/webhook/deliveries', council, async (req, res) => {
    const { limit } = parseInput(deliveriesQuerySchema, req.query, 'query');
    const rows = await listCouncilDeliveries(ctx.db, councilOf(res).id, limit);
    res.json({ deliveries: rows.map(deliveryView) });
  });

  router.post('/council/webhook/deliveries/:delivery/replay', council, async (req, res) => {
    const row = await replayDelivery(
      ctx.db,
      councilOf(res).id,
      deliveryIdParam(req.params.delivery),
      ctx.clock(),
    );
    if (!row) throw new NotFoundError('No such delivery');
    res.status(202).json(deliveryView(row));
  });
  return router;
}
