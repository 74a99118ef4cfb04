// Every change to the outbox: accepting readings, marking them delivered, recording summaries, pruning, status facts.
import { StorageFullError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { type DailySummary, type Reading, localParts } from '../metrics/index.ts';
import { hourOf, readingKey } from './observation-rdf.ts';
import type { OutboxDatabase } from './outbox-store.ts';

/** What became of a batch offered to the outbox. */
export interface AcceptResult {
  /** Newly committed readings. */
  accepted: number;
  /** Readings already in the outbox or already delivered: nothing to do. */
  duplicates: number;
}

/** A summarised (property, room, local date) with the number of readings it covered. */
export interface SummarisedDay {
  property: string;
  room: string;
  date: string;
  readings: number;
}

/** A list of keys as one parameter: SQLite reads it back with `json_each`. */
function keyList(keys: readonly string[]): string {
  return JSON.stringify(keys);
}

/** One accept waiting for the next group commit. */
interface PendingAccept {
  readings: readonly Reading[];
  resolve: (result: AcceptResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The write path of the outbox. Each method is one transaction, on disk (fsync'd) when its promise resolves.
 * Accepts are group-committed: those offered in the same turn of the event loop (one MQTT message from each of
 * several connections, concurrent HTTP requests) share one transaction and so one fsync, and each promise resolves
 * only once that commit is on disk. A commit costs one fsync whatever it holds (~3 ms here), so this is what lets
 * many small messages in flight at once add up to thousands of readings per second.
 */
export class OutboxWriter {
  private readonly db: OutboxDatabase;
  private readonly timeZone: string;
  private readonly logger: Logger | undefined;
  /** Whether the last accept found the disk full: the line is logged once per episode, not once per message. */
  private full = false;
  /** Accepts waiting for the group commit scheduled with `setImmediate`. */
  private pending: PendingAccept[] = [];

  constructor(db: OutboxDatabase, timeZone: string, logger?: Logger) {
    this.db = db;
    this.timeZone = timeZone;
    this.logger = logger;
  }

  /**
   * Commits readings in one transaction (all or none), fsync'd before the promise resolves, possibly together with
   * other accepts of the same turn. A reading whose key is already here or already delivered is a duplicate: the
   * first value wins. A reading for a day that was already summarised is still written to the pod but kept out of
   * summaries, which are immutable once written. A full disk rejects with {@link StorageFullError}: the inputs then
   * acknowledge nothing, and the next accept that fits says so once.
   */
  accept(readings: readonly Reading[]): Promise<AcceptResult> {
    if (readings.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.pending.push({ readings, resolve, reject });
      // setImmediate runs after the I/O callbacks of this turn: every message that arrived with this one joins it.
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /**
   * Commits every waiting accept in one transaction. If that fails for any reason but a full disk, each accept is
   * tried in its own transaction, so one bad batch cannot refuse the others.
   */
  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    let counts: number[];
    try {
      counts = this.db.transaction(() => group.map(({ readings }) => this.insert(readings)));
    } catch (error) {
      if (error instanceof StorageFullError || group.length === 1) {
        this.noteFailure(error);
        for (const item of group) item.reject(error);
        return;
      }
      for (const item of group) {
        try {
          const accepted = this.db.transaction(() => this.insert(item.readings));
          this.noteSpace();
          item.resolve({ accepted, duplicates: item.readings.length - accepted });
        } catch (alone) {
          this.noteFailure(alone);
          item.reject(alone);
        }
      }
      return;
    }
    this.noteSpace();
    for (const [index, item] of group.entries()) {
      const accepted = counts[index]!;
      item.resolve({ accepted, duplicates: item.readings.length - accepted });
    }
  }

  /** Inserts readings inside the caller's transaction; returns how many were new. */
  private insert(readings: readonly Reading[]): number {
    let count = 0;
    for (const reading of readings) {
      const localDate = localParts(reading.time, this.timeZone).date;
      count += this.db.run(
        `insert into readings (key, sensor, room, property, time, value, hour, local_date, flags, summarise)
         select @key, @sensor, @room, @property, @time, @value, @hour, @local_date, @flags,
                not exists (select 1 from summarised_days s
                            where s.property = @property and s.room = @room and s.local_date = @local_date)
         where not exists (select 1 from delivered_keys d where d.key = @key)
         on conflict (key) do nothing`,
        {
          key: readingKey(reading),
          sensor: reading.sensor,
          room: reading.room,
          property: reading.property,
          time: reading.time.toISOString(),
          value: reading.value,
          hour: hourOf(reading.time).toISOString(),
          local_date: localDate,
          flags: JSON.stringify(reading.flags ?? []),
        },
      );
    }
    return count;
  }

  /** Logs the start of a full-disk episode, once. */
  private noteFailure(error: unknown): void {
    if (error instanceof StorageFullError && !this.full) {
      this.full = true;
      this.logger?.error(
        { file: this.db.file },
        'outbox disk full: readings are not acknowledged until space returns (accepted ones are kept)',
      );
    }
  }

  /** Logs the end of a full-disk episode, once. */
  private noteSpace(): void {
    if (this.full) {
      this.full = false;
      this.logger?.info({ file: this.db.file }, 'outbox disk has space again: accepting readings');
    }
  }

  /**
   * Marks readings as in the pod. Those no summary needs leave the outbox at once, their keys kept so a re-sent
   * copy is recognised.
   */
  async markDelivered(keys: readonly string[]): Promise<void> {
    const params = { keys: keyList(keys), now: new Date().toISOString() };
    this.db.transaction(() => {
      this.db.run(
        `update readings set delivered_at = @now
         where key in (select value from json_each(@keys)) and delivered_at is null`,
        params,
      );
      this.db.run(
        `insert into delivered_keys (key, time)
         select key, time from readings where key in (select value from json_each(@keys)) and not summarise
         on conflict (key) do nothing`,
        { keys: params.keys },
      );
      this.db.run(
        'delete from readings where key in (select value from json_each(@keys)) and not summarise',
        { keys: params.keys },
      );
    });
  }

  /** Removes readings the pod refused (they were quarantined): retrying would be refused again. */
  async discard(keys: readonly string[]): Promise<void> {
    this.db.run('delete from readings where key in (select value from json_each(@keys))', {
      keys: keyList(keys),
    });
  }

  /**
   * Records days as summarised and prunes what they covered: delivered readings leave (keys kept); any reading of
   * those days still waiting for the pod stays, but no longer counts for a summary. `kept`: the summaries written,
   * kept in the same transaction for the home's Prio3 reports.
   */
  async recordSummarised(
    days: readonly SummarisedDay[],
    outcome: 'written' | 'refused',
    kept: readonly DailySummary[] = [],
  ): Promise<void> {
    if (days.length === 0) return;
    this.db.transaction(() => {
      this.insertKept(kept);
      for (const day of days) {
        this.db.run(
          `insert into summarised_days (property, room, local_date, readings, outcome)
           values (@property, @room, @local_date, @readings, @outcome) on conflict do nothing`,
          { property: day.property, room: day.room, local_date: day.date, readings: day.readings, outcome },
        );
      }
      this.db.run(
        `update readings set summarise = 0
         where summarise and exists (select 1 from summarised_days s
                                     where s.property = readings.property and s.room = readings.room
                                       and s.local_date = readings.local_date)`,
      );
      this.db.run(
        `insert into delivered_keys (key, time)
         select key, time from readings where not summarise and delivered_at is not null
         on conflict (key) do nothing`,
      );
      this.db.run('delete from readings where not summarise and delivered_at is not null');
    });
  }

  /** Keeps daily summaries written to the pod, for the home's Prio3 reports; one already kept stays as it is. */
  async keepSummaries(summaries: readonly DailySummary[]): Promise<void> {
    this.insertKept(summaries);
  }

  private insertKept(summaries: readonly DailySummary[]): void {
    if (summaries.length === 0) return;
    this.db.run(
      `insert into kept_summaries (property, room, local_date, summary)
       select json_extract(value, '$.property'), json_extract(value, '$.room'), json_extract(value, '$.date'), value
       from json_each(@summaries) where true
       on conflict do nothing`,
      { summaries: JSON.stringify(summaries) },
    );
  }

  /** Forgets kept summaries of days before `before` (a local date), with the same retention as delivered keys. */
  async pruneKeptSummaries(before: string): Promise<number> {
    return this.db.run('delete from kept_summaries where local_date < @before', { before });
  }

  /** Records that the Prio3 report of a task, metric and period was written (or refused for good). */
  async recordPrio3Report(
    report: { taskId: string; metricId: string; period: string },
    outcome: 'written' | 'refused',
  ): Promise<void> {
    this.db.run(
      `insert into prio3_reports (task_id, metric, period, outcome) values (@task, @metric, @period, @outcome)
       on conflict do nothing`,
      { task: report.taskId, metric: report.metricId, period: report.period, outcome },
    );
  }

  /** Forgets delivered keys of readings older than `before`: a copy older than that would be written again (idempotently). */
  async pruneDeliveredKeys(before: Date): Promise<number> {
    return this.db.run('delete from delivered_keys where time < @before', { before: before.toISOString() });
  }

  /** Stores one status fact (`lastFlush`, `lastError`…). */
  async setState(name: string, value: unknown): Promise<void> {
    this.db.run(
      `insert into gateway_state (name, value) values (@name, @value)
       on conflict (name) do update set value = excluded.value`,
      { name, value: JSON.stringify(value) },
    );
  }
}
