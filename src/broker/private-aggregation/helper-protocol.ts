// The leader ↔ helper HTTP contract of a Prio3 collection (DAP's aggregation job and aggregate share, simplified).
import { z } from 'zod';
import { isMetricId } from '../../metrics/index.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const hex16 = z.string().regex(/^[0-9a-f]{32}$/, '16 bytes of hex');

/**
 * One home of a job, and why it is in it: its pod (the helper reads the report there itself, at the place the task,
 * metric (or vector) and period name) and the consent record under which the resident granted both aggregators Read. The
 * leader names no report content and never the helper's share.
 */
export const jobHomeSchema = z.strictObject({
  pod: z.url().refine((url) => /^https?:\/\/[^?#]+\/$/.test(url), 'an http(s) pod root ending in /'),
  consentRecord: z.url(),
});
export type JobHome = z.infer<typeof jobHomeSchema>;

/**
 * POST /prio3/aggregation-jobs: which consenting, enrolled homes belong to the batch, and the leader's preparation
 * share of each report it prepared (by report id).
 */
export const aggregationJobRequestSchema = z.strictObject({
  taskId: z.string().min(1).max(200),
  /** The metric, or a vector report's metrics joined by `,` (encodingMetrics): where the helper reads each report. */
  metricId: z
    .string()
    .max(1000)
    .refine((value) => {
      const ids = value.split(',');
      return ids.every(isMetricId) && new Set(ids).size === ids.length;
    }, 'a metric id, or distinct metric ids joined by ,'),
  period: z.string().regex(/^\d{4}-(\d{2}|W\d{2})$/),
  homes: z.array(jobHomeSchema).max(100_000),
  leaderShares: z.record(hex16, base64),
});
export type AggregationJobRequest = z.infer<typeof aggregationJobRequestSchema>;

/** The helper's answer: a preparation message per report id (null: refused) and its refusals by reason. */
export const aggregationJobResponseSchema = z.object({
  jobId: z.string().uuid(),
  messages: z.record(hex16, base64.nullable()),
  rejected: z.record(z.string(), z.number().int().nonnegative()),
});
export type AggregationJobResponse = z.infer<typeof aggregationJobResponseSchema>;

/** POST /prio3/aggregation-jobs/:jobId/aggregate-share: how many reports the leader aggregated and the noise to add. */
export const aggregateShareRequestSchema = z.object({
  reportCount: z.number().int().nonnegative(),
  /** ε for the helper's discrete-Laplace noise on its share; absent: no DP. */
  epsilon: z.number().positive().max(100).optional(),
});
export type AggregateShareRequest = z.infer<typeof aggregateShareRequestSchema>;

/** The helper's aggregate share (encoded field vector) over the same reports, and how often it gave it now. */
export const aggregateShareResponseSchema = z.object({
  reportCount: z.number().int().nonnegative(),
  share: base64,
  /** 1 for a new batch; more when the same batch (the same reports) was collected before: the same share again. */
  queryCount: z.number().int().positive(),
});
export type AggregateShareResponse = z.infer<typeof aggregateShareResponseSchema>;
