// `GET /api/broker` and `GET /api/metrics`: who the broker is, its rules, and the metrics a council may ask for.
import { Buffer } from 'node:buffer';
import { Router } from 'express';
import { z } from 'zod';
import { METRICS } from '../../metrics/index.ts';
import type { BrokerContext } from '../context.ts';
import type { Prio3Leader } from '../private-aggregation/leader-config.ts';

export const brokerInfoSchema = z.object({
  webId: z.url().describe('The WebID residents grant acl:Read to'),
  kFloor: z.number().int().describe('No request may ask for a smaller minimum cohort'),
  purposes: z.array(z.url()).describe('DPV purposes a request may name'),
  limits: z
    .object({
      maxPeriodMonths: z.number().int().describe('Calendar months a request period may touch'),
      maxCells: z
        .number()
        .int()
        .describe('Cells (areas × periods × metrics × dwelling types) a request or run may plan'),
      maxActiveRunsPerCouncil: z
        .number()
        .int()
        .describe('Queued and running runs a council may have at once'),
    })
    .describe('The bounds a council must stay within (broker config `limits`)'),
  privateAggregation: z
    .object({
      leader: z.object({ id: z.url(), publicKey: z.base64() }),
      helper: z.object({ id: z.url(), publicKey: z.base64() }),
    })
    .nullable()
    .describe(
      'The two Prio3 aggregators of `prio3` requests: their WebIDs (granted Read on the reports) and HPKE ' +
        'public keys (X25519, base64) the homes seal their shares to; null when the broker offers no prio3',
    ),
});

export const metricCatalogueSchema = z.object({
  metrics: z.array(
    z.object({
      id: z.string().describe('Stable API name, used in requests and results'),
      unit: z.string().describe('Unit of the per-home value'),
      description: z.string(),
      source: z.string().describe('Where the threshold or formula comes from'),
      summaries: z.array(z.string()).describe('Daily-summary containers a consent must grant'),
      rooms: z.enum(['indoor', 'bedrooms', 'all']),
      homeRule: z.enum(['worst-room', 'room-mean', 'room-sum']).describe('How room values make a home value'),
      additive: z.boolean().describe('Cells of additive metrics also pass the dominance check'),
    }),
  ),
});

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
function aggregatorsOf(leader: Prio3Leader) {
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
