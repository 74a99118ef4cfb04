// Every read of the outbox: readings waiting for the pod, days ready to summarise, counts and status facts. Changes nothing.
import type { Property, Reading, ReadingFlag } from '../metrics/types.ts';
import type { OutboxDatabase } from './outbox-store.ts';

/** A reading in the outbox with its key. */
export interface StoredReading extends Reading {
  key: string;
}

/** Counts for `gateway status`. */
export interface OutboxCounts {
  /** Accepted, not yet in the pod. */
  pending: number;
  /** In the pod, kept until their day is summarised. */
  awaitingSummary: number;
  /** Days (property × room × date) summarised so far. */
  summarisedDays: number;
  /** Keys kept to recognise re-sent readings. */
  deliveredKeys: number;
}

type ReadingRow = {
  key: string;
  sensor: string;
  room: string;
  property: Property;
  time: Date;
  value: number;
  flags: ReadingFlag[];
};

/** Row → reading. */
function toReading(row: ReadingRow): StoredReading {
  return {
    key: row.key,
    sensor: row.sensor,
    room: row.room,
    property: row.property,
    time: row.time,
    value: row.value,
    ...(row.flags.length > 0 ? { flags: row.flags } : {}),
  };
}

/** The read path of the outbox. */
export class OutboxReader {
  private readonly db: OutboxDatabase;

  constructor(db: OutboxDatabase) {
    this.db = db;
  }

  /** Up to `limit` readings not yet in the pod, oldest hour first, so a backlog drains in time order. */
  async pending(limit: number): Promise<StoredReading[]> {
    const result = await this.db.query<ReadingRow>(
      `select key, sensor, room, property, time, value, flags from readings
       where delivered_at is null order by hour, key limit $1`,
      [limit],
    );
    return result.rows.map(toReading);
  }

  /** Number of readings not yet in the pod. */
  async pendingCount(): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      'select count(*)::int as n from readings where delivered_at is null',
    );
    return result.rows[0]?.n ?? 0;
  }

  /** Local dates with readings still to summarise, and whether any of them still waits for the pod. */
  async datesToSummarise(): Promise<{ date: string; pending: number }[]> {
    const result = await this.db.query<{ date: string; pending: number }>(
      `select local_date as date, count(*) filter (where delivered_at is null)::int as pending
       from readings where summarise group by local_date order by local_date`,
    );
    return result.rows;
  }

  /** The readings that count for the summaries of the given local dates. */
  async readingsOfDates(dates: readonly string[]): Promise<StoredReading[]> {
    const result = await this.db.query<ReadingRow>(
      `select key, sensor, room, property, time, value, flags from readings
       where summarise and local_date = any($1::text[]) order by time`,
      [dates],
    );
    return result.rows.map(toReading);
  }

  /** Counts for the status report. */
  async counts(): Promise<OutboxCounts> {
    const result = await this.db.query<OutboxCounts>(
      `select
         (select count(*)::int from readings where delivered_at is null) as pending,
         (select count(*)::int from readings where delivered_at is not null) as "awaitingSummary",
         (select count(*)::int from summarised_days) as "summarisedDays",
         (select count(*)::int from delivered_keys) as "deliveredKeys"`,
    );
    return result.rows[0]!;
  }

  /** One status fact, or undefined. */
  async state<T>(name: string): Promise<T | undefined> {
    const result = await this.db.query<{ value: T }>('select value from gateway_state where name = $1', [
      name,
    ]);
    return result.rows[0]?.value;
  }
}
