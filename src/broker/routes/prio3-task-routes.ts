// `GET /api/prio3/tasks`: the open prio3 requests as tasks the homes' gateways write their reports for.
import { Router } from 'express';
import { prio3TaskListSchema, type Prio3TaskView } from '../contract.ts';
import type { BrokerContext } from '../context.ts';
import { listRequests } from '../requests/request-reader.ts';
import { isOpen } from '../requests/request-view.ts';
import { aggregatorsOf } from './info-routes.ts';

/**
 * Public, as the requests are: a gateway polls it without a login. It names what to report and to whom, never
 * which homes consented (a gateway writes its reports whether or not its resident grants the aggregators Read).
 */
export function prio3TaskRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.get('/prio3/tasks', async (_req, res) => {
    const leader = ctx.prio3;
    if (leader === undefined) {
      res.json(prio3TaskListSchema.parse({ tasks: [] }));
      return;
    }
    const now = ctx.clock();
    const aggregators = aggregatorsOf(leader);
    const tasks: Prio3TaskView[] = (await listRequests(ctx.db))
      .filter((row) => row.aggregation === 'prio3' && isOpen(row, now))
      .map((row) => ({
        id: row.id,
        metrics: row.metrics,
        areas: row.areas,
        period: { from: row.period_from, to: row.period_to },
        granularity: row.granularity,
        aggregators,
      }));
    res.json(prio3TaskListSchema.parse({ tasks }));
  });
  return router;
}
