// The outbox database schema, as numbered migrations applied in order at open (like the PDS's db/migrations).

/** One schema step; never edit a released one, add the next. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

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
        time timestamptz not null,
        value double precision not null,
        hour timestamptz not null,        -- UTC hour: one pod document per hour
        local_date text not null,         -- the home's local calendar date, for daily summaries
        summarise boolean not null,       -- false when its day was summarised before it arrived
        accepted_at timestamptz not null default now(),
        delivered_at timestamptz          -- set once the pod answered 2xx
      );
      create index readings_pending on readings (hour) where delivered_at is null;
      create index readings_day on readings (local_date) where summarise;

      -- Keys of readings that are in the pod and no longer kept: a re-sent or replayed reading is not written again.
      create table delivered_keys (
        key text primary key,
        time timestamptz not null
      );
      create index delivered_keys_time on delivered_keys (time);

      -- Days whose summary was written (or refused by the pod): never summarised again.
      create table summarised_days (
        property text not null,
        room text not null,
        local_date text not null,
        readings integer not null,
        outcome text not null,            -- 'written' or 'refused'
        summarised_at timestamptz not null default now(),
        primary key (property, room, local_date)
      );

      -- Small facts for \`gateway status\`: last flush, last error, totals.
      create table gateway_state (
        name text primary key,
        value jsonb not null
      );
    `,
  },
  {
    version: 2,
    description: 'quality flags of kept readings (above the sensor range, RH capped at 100 %)',
    sql: `
      -- Flags travel with the reading into the pod and into its day's summary counts (issue 18).
      alter table readings add column flags text[] not null default '{}';
    `,
  },
];
