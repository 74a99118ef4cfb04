// `GET /api/broker` and `GET /api/metrics`: who the broker is, its rules, and the metrics a council may ask for.
import { brokerInfoSchema, metricCatalogueSchema } from '../contract.ts';
import { Router } from 'express';
import { METRICS } from '../../metrics/index.ts';
import type { BrokerContext } from '../context.ts';

/** The catalogue as the API shows it: definitions only, no code. */
const catalogue = metricCatalogueSchema.parse({
  metrics: METRICS.map((metric) => ({
    id: metric.id,
    unit: metric.unit,
    description: metric.description,
    source: metric.source,
    summaries: [...metric.inputs],
    rooms: metric.rooms,
    homeRule: metric.homeRule,
    additive: metric.additive,
  })),
});

/** Public facts about the broker. */
export function infoRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.get('/broker', (_req, res) => {
    res.json(
      brokerInfoSchema.parse({
        webId: ctx.reader.brokerWebId,
        kFloor: ctx.config.kFloor,
        purposes: ctx.config.purposes,
        limits: {
          maxPeriodMonths: ctx.config.limits.maxPeriodMonths,
          maxCells: ctx.config.limits.maxCells,
          maxActiveRunsPerCouncil: ctx.config.limits.maxActiveRunsPerCouncil,
        },
      }),
    );
  });
  router.get('/metrics', (_req, res) => {
    res.json(catalogue);
  });
  return router;
}
