// Every read of the outbox: readings waiting for the pod, days ready to summarise, counts and status facts. Changes nothing.
import type { DailySummary, Property, Reading, ReadingFlag } from '../metrics/index.ts';
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
  time: string;
  value: number;
  /** JSON array of flag names. */
  flags: string;
};

/** The stored JSON array of a reading's quality flags, as the reading's optional `flags`. */
function flagsOf(stored: string): { flags?: ReadingFlag[] } {
  const flags = JSON.parse(stored) as ReadingFlag[];
  return flags.length > 0 ? { flags } : {};
}

/** Row → reading. */
function toReading(row: ReadingRow): StoredReading {
  return {
    key: row.key,
    sensor: row.sensor,
    room: row.room,
    property: row.property,
    time: new Date(row.time),
    value: row.value,
    ...flagsOf(row.flags),
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
    return this.db
      .all<ReadingRow>(
        `select key, sensor, room, property, time, value, flags from readings
         where delivered_at is null order by hour, key limit @limit`,
        { limit },
      )
      .map(toReading);
  }

  /** Number of readings not yet in the pod. */
  async pendingCount(): Promise<number> {
    return (
      this.db.get<{ n: number }>('select count(*) as n from readings where delivered_at is null')?.n ?? 0
    );
  }

  /** Local dates with readings still to summarise, and whether any of them still waits for the pod. */
  async datesToSummarise(): Promise<{ date: string; pending: number }[]> {
    return this.db.all<{ date: string; pending: number }>(
      `select local_date as date, sum(delivered_at is null) as pending
       from readings where summarise group by local_date order by local_date`,
    );
  }

  /** The readings that count for the summaries of the given local dates. */
  async readingsOfDates(dates: readonly string[]): Promise<StoredReading[]> {
    return this.db
      .all<ReadingRow>(
        `select key, sensor, room, property, time, value, flags from readings
         where summarise and local_date in (select value from json_each(@dates)) order by time`,
        { dates: JSON.stringify(dates) },
      )
      .map(toReading);
  }

  /** The kept daily summaries of local dates `from`..`to` (inclusive). */
  async keptSummaries(from: string, to: string): Promise<DailySummary[]> {
    return this.db
      .all<{ summary: string }>(
        `select summary from kept_summaries where local_date between @from and @to
         order by local_date, property, room`,
        { from, to },
      )
      .map((row) => JSON.parse(row.summary) as DailySummary);
  }

  /** The earliest local date whose readings still wait for their daily summary, or undefined. */
  async earliestUnsummarisedDate(): Promise<string | undefined> {
    return (
      this.db.get<{ date: string | null }>('select min(local_date) as date from readings where summarise')
        ?.date ?? undefined
    );
  }

  /** Whether the Prio3 report of a task, metric and period was written (or refused for good) already. */
  async prio3ReportDone(report: { taskId: string; metricId: string; period: string }): Promise<boolean> {
    return (
      this.db.get<{ n: number }>(
        'select count(*) as n from prio3_reports where task_id = @task and metric = @metric and period = @period',
        { task: report.taskId, metric: report.metricId, period: report.period },
      )!.n > 0
    );
  }

  /** Counts for the status report. */
  async counts(): Promise<OutboxCounts> {
    return this.db.get<OutboxCounts>(
      `select
         (select count(*) from readings where delivered_at is null) as pending,
         (select count(*) from readings where delivered_at is not null) as "awaitingSummary",
         (select count(*) from summarised_days) as "summarisedDays",
         (select count(*) from delivered_keys) as "deliveredKeys"`,
    )!;
  }

  /** One status fact, or undefined. */
  async state<T>(name: string): Promise<T | undefined> {
    const row = this.db.get<{ value: string }>('select value from gateway_state where name = @name', {
      name,
    });
    return row ? (JSON.parse(row.value) as T) : undefined;
  }
}
