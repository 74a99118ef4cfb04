// How long the broker waits for a pod and how much it reads from it: the bounds of every pod request (config `podAccess`).
import { z } from 'zod';

const MB = 1024 * 1024;

/**
 * The broker config's `podAccess` section. A pod is named by a resident, so whatever it answers must cost the
 * broker a bounded time and bounded memory (docs/security.md, M3): a request that misses its deadline or a body over its
 * cap is a failed read, never a stalled one.
 */
export const podAccessConfigSchema = z
  .object({
    /** Deadline of one request to a pod, headers and body (ms). */
    requestTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /**
     * Further attempts at a request that failed for a reason that may pass (no answer in time, connection refused
     * or reset, 5xx, 408, 429); the run's per-home deadline still bounds them all. Two: a pod server restarting
     * (~5 s for CSS) or shedding load is read on the same run, a dead one costs at most three deadlines.
     */
    retries: z.number().int().min(0).max(5).default(2),
    /** Backoff before the first retry (ms), doubled each time, half of it random (jitter). */
    retryBaseMs: z.number().int().min(10).max(60_000).default(500),
    /** Longest backoff between two attempts (ms), and the most a pod's `Retry-After` may make the broker wait. */
    retryMaxMs: z.number().int().min(10).max(60_000).default(4_000),
    /**
     * Requests the broker has in flight to one pod server (origin) at once, across all runs and homes of this
     * process; more wait their turn. CSS on two cores reached its authenticated GET ceiling (~120/s) with a few
     * requests in flight, and more only queued inside it (docs/aggregation.md, "Many pod servers"): 8 keeps one
     * server busy while a run reads many servers side by side.
     */
    maxRequestsPerOrigin: z.number().int().min(1).max(256).default(8),
    /** Largest consent record read at registration (bytes); it is parsed and SHACL-checked only under this cap. */
    maxConsentRecordBytes: z.number().int().min(1024).default(MB),
    /** Largest home profile (`homedata/home`) read (bytes). */
    maxHomeProfileBytes: z.number().int().min(1024).default(MB),
    /** Largest WebID profile document read to find a resident's pods (bytes). */
    maxWebIdProfileBytes: z.number().int().min(1024).default(MB),
    /** Largest summaries document (`summaries/<property>/YYYY-MM.ttl`) read in a run (bytes). */
    maxSummaryBytes: z
      .number()
      .int()
      .min(1024)
      .default(8 * MB),
    /** Most triples taken from any one pod document; a document with more is a failed read. */
    maxQuads: z.number().int().min(100).default(100_000),
    /** Most distinct subjects in any one pod document (the summary reader keeps one entry per subject). */
    maxSubjects: z.number().int().min(10).default(20_000),
  })
  .strict();

/** The limits as validated (every field present). */
export type PodAccessLimits = z.output<typeof podAccessConfigSchema>;

/** The defaults: what a broker without a `podAccess` section uses. */
export const DEFAULT_POD_ACCESS: PodAccessLimits = podAccessConfigSchema.parse({});

/** The quad and subject caps of one document, as the Turtle parsers take them. */
export interface DocumentCaps {
  maxQuads: number;
  maxSubjects: number;
}
