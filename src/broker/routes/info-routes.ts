// `GET /api/broker` and `GET /api/metrics`: who the broker is, its rules, and the metrics a council may ask for.
import { Buffer } from 'node:buffer';
import { brokerInfoSchema, metricCatalogueSchema } from '../contract.ts';
import { Router } from 'express';
import { METRICS } from '../../metrics/index.ts';
import type { BrokerContext } from '../context.ts';
import type { Prio3Leader } from '../private-aggregation/leader-config.ts';

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

/** The aggregators as homes and residents need them. */
export function aggregatorsOf(leader: Prio3Leader) {
  const [first, second] = leader.aggregators.map((aggregator) => ({
    id: aggregator.id,
    publicKey: Buffer.from(aggregator.publicKey).toString('base64'),
  }));
  return { leader: first!, helper: second! };
}

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
        privateAggregation: ctx.prio3 === undefined ? null : aggregatorsOf(ctx.prio3),
      }),
    );
  });
  router.get('/metrics', (_req, res) => {
    res.json(catalogue);
  });
  return router;
}
