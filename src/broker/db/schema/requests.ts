// Table `requests`: what a council asked for, for which purpose, where, when and until when.

/** How a request's cells are split besides area and period. */
export type RequestSplit = 'none' | 'dwellingType';

/** How a request's cells are computed (migration 016): the broker alone, or Prio3 shares for two aggregators. */
export type AggregationMode = 'plain' | 'prio3';

/** A row of `requests`. */
export interface RequestRow {
  id: string;
  council_id: string;
  title: string;
  /** A DPV purpose IRI from the broker's allowed list. */
  purpose: string;
  description: string;
  /** Metric ids from the catalogue (jsonb array). */
  metrics: string[];
  /** GSS area codes (jsonb array). */
  areas: string[];
  /** First and last calendar day, `YYYY-MM-DD`, inclusive. */
  period_from: string;
  period_to: string;
  granularity: 'month' | 'week';
  /** How cells are split besides area and period, fixed at creation (migration 006). */
  split: RequestSplit;
  /** Fixed at creation: a run of the other mode would read other documents under another consent scope. */
  aggregation: AggregationMode;
  min_cohort: number;
  /** Consent is asked until this instant; consents end there at the latest. */
  consent_until: Date;
  dp_epsilon: number | null;
  created_at: Date;
}
