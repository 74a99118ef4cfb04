// `GET /health`: the broker answers and its database does.
import { Router } from 'express';
import { HomedataError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';

/** Liveness and readiness in one: 200 when the database answers, 503 otherwise. */
export function healthRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      await ctx.db.query('SELECT 1');
    } catch (error) {
      throw new HomedataError('unavailable', 503, 'The database does not answer', {}, error);
    }
    res.json({ status: 'ok', database: ctx.db.kind });
  });
  return router;
}
