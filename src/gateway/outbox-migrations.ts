// The outbox database schema (SQLite), as numbered migrations applied in order at open (like the PDS's db/migrations).

/** One schema step; never edit a released one, add the next. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Times are ISO 8601 UTC text with milliseconds (`Date.toISOString()`), so text order is time order; booleans
 * are 0/1; JSON is text. Version 1 is the schema the PGlite outbox had, in SQLite's words, so an old outbox
 * copies across column for column (outbox-pglite-import.ts).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'readings awaiting the pod or their daily summary, delivered keys, summarised days, gateway state',
    sql: `
      -- Every accepted reading, from acceptance until it is in the pod and (if it counts) in a daily summary.
      create table readings (
        key text primary key,             -- hash of sensor, property and time: also the observation IRI's fragment
        sensor text not null,
        room text not null,
        property text not null,
        time text not null,
        value real not null,
        hour text not null,               -- UTC hour: one pod document per hour
        local_date text not null,         -- the home's local calendar date, for daily summaries
        summarise integer not null,       -- 0 when its day was summarised before it arrived
        accepted_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        delivered_at text                 -- set once the pod answered 2xx
      ) without rowid;
      create index readings_pending on readings (hour, key) where delivered_at is null;
      create index readings_day on readings (local_date) where summarise;

      -- Keys of readings that are in the pod and no longer kept: a re-sent or replayed reading is not written again.
      create table delivered_keys (
        key text primary key,
        time text not null
      ) without rowid;
      create index delivered_keys_time on delivered_keys (time);

      -- Days whose summary was written (or refused by the pod): never summarised again.
      create table summarised_days (
        property text not null,
        room text not null,
        local_date text not null,
        readings integer not null,
        outcome text not null,            -- 'written' or 'refused'
        summarised_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        primary key (property, room, local_date)
      ) without rowid;

      -- Small facts for \`gateway status\`: last flush, last error, totals.
      create table gateway_state (
        name text primary key,
        value text not null               -- JSON
      ) without rowid;
    `,
  },
  {
    version: 2,
    description: 'quality flags of kept readings (above the sensor range, RH capped at 100 %)',
    sql: `
      -- Flags travel with the reading into the pod and into its day's summary counts (docs/metrics.md, Data quality).
      alter table readings add column flags text not null default '[]';   -- JSON array of flag names
    `,
  },
  {
    version: 3,
    description: 'daily summaries kept for Prio3 reports, and the reports written',
    sql: `
      -- Each daily summary the gateway wrote, kept so it can compute the home's value of a period for a Prio3 report
      -- (the gateway never reads the pod back). Pruned with the delivered keys' retention.
      create table kept_summaries (
        property text not null,
        room text not null,
        local_date text not null,
        summary text not null,            -- JSON DailySummary
        primary key (property, room, local_date)
      ) without rowid;

      -- Prio3 reports this home wrote (or the pod refused): each task, metric and period is reported once.
      create table prio3_reports (
        task_id text not null,
        metric text not null,
        period text not null,
        outcome text not null,            -- 'written' or 'refused'
        at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        primary key (task_id, metric, period)
      ) without rowid;
    `,
  },
];
