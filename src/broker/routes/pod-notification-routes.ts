// `POST /api/pod-notifications/:token`: where pod servers send the Solid Notifications of watched consent records.
import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';

/**
 * The webhook of each consent record the broker watches (WebhookChannel2023). The body is not read: whatever it
 * says, the broker reads the record again itself (`ConsentWatcher`), so an unknown token is a 404 and a known one a
 * 202 whatever was sent. The pod server's DPoP-signed Authorization header is not checked for the same reason.
 */
export function podNotificationRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.post('/pod-notifications/:token', async (req, res) => {
    if (!(await ctx.watches.notified(String(req.params.token)))) throw new NotFoundError('No such watch');
    res.status(202).end();
  });
  return router;
}
