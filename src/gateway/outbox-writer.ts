// Every change to the outbox: accepting readings, marking them delivered, recording summaries, pruning, status facts.
import type { Reading } from '../metrics/types.ts';
import { localParts } from '../metrics/index.ts';
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

/** The write path of the outbox. */
export class OutboxWriter {
  private readonly db: OutboxDatabase;
  private readonly timeZone: string;

  constructor(db: OutboxDatabase, timeZone: string) {
    this.db = db;
    this.timeZone = timeZone;
  }

  /**
   * Commits readings in one statement (all or none). A reading whose key is already here or already delivered is
   * a duplicate: the first value wins. A reading for a day that was already summarised is still written to the
   * pod but kept out of summaries, which are immutable once written.
   */
  async accept(readings: readonly Reading[]): Promise<AcceptResult> {
    if (readings.length === 0) return { accepted: 0, duplicates: 0 };
    const columns: [
      string[],
      string[],
      string[],
      string[],
      string[],
      number[],
      string[],
      string[],
      string[],
    ] = [[], [], [], [], [], [], [], [], []];
    for (const reading of readings) {
      columns[0].push(readingKey(reading));
      columns[1].push(reading.sensor);
      columns[2].push(reading.room);
      columns[3].push(reading.property);
      columns[4].push(reading.time.toISOString());
      columns[5].push(reading.value);
      columns[6].push(hourOf(reading.time).toISOString());
      columns[7].push(localParts(reading.time, this.timeZone).date);
      // One text per reading (unnest cannot take a ragged array): flags joined by spaces, split back in SQL.
      columns[8].push((reading.flags ?? []).join(' '));
    }
    const result = await this.db.query(
      `insert into readings (key, sensor, room, property, time, value, hour, local_date, flags, summarise)
       select r.key, r.sensor, r.room, r.property, r.time, r.value, r.hour, r.local_date,
              case when r.flags = '' then '{}'::text[] else string_to_array(r.flags, ' ') end,
              not exists (select 1 from summarised_days s
                          where s.property = r.property and s.room = r.room and s.local_date = r.local_date)
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::float8[], $7::timestamptz[], $8::text[], $9::text[])
            as r(key, sensor, room, property, time, value, hour, local_date, flags)
       where not exists (select 1 from delivered_keys d where d.key = r.key)
       on conflict (key) do nothing`,
      columns,
    );
    const accepted = result.affectedRows ?? 0;
    return { accepted, duplicates: readings.length - accepted };
  }

  /**
   * Marks readings as in the pod. Those no summary needs leave the outbox at once, their keys kept so a re-sent
   * copy is recognised.
   */
  async markDelivered(keys: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        'update readings set delivered_at = now() where key = any($1::text[]) and delivered_at is null',
        [keys],
      );
      await tx.query(
        `with gone as (delete from readings where key = any($1::text[]) and not summarise returning key, time)
         insert into delivered_keys (key, time) select key, time from gone on conflict (key) do nothing`,
        [keys],
      );
    });
  }

  /** Removes readings the pod refused (they were quarantined): retrying would be refused again. */
  async discard(keys: readonly string[]): Promise<void> {
    await this.db.query('delete from readings where key = any($1::text[])', [keys]);
  }

  /**
   * Records days as summarised and prunes what they covered: delivered readings leave (keys kept); any reading of
   * those days still waiting for the pod stays, but no longer counts for a summary.
   */
  async recordSummarised(days: readonly SummarisedDay[], outcome: 'written' | 'refused'): Promise<void> {
    if (days.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into summarised_days (property, room, local_date, readings, outcome)
         select d.property, d.room, d.local_date, d.readings, $5
         from unnest($1::text[], $2::text[], $3::text[], $4::int[]) as d(property, room, local_date, readings)
         on conflict do nothing`,
        [
          days.map((d) => d.property),
          days.map((d) => d.room),
          days.map((d) => d.date),
          days.map((d) => d.readings),
          outcome,
        ],
      );
      await tx.query(
        `update readings r set summarise = false
         where r.summarise and exists (select 1 from summarised_days s
                                       where s.property = r.property and s.room = r.room and s.local_date = r.local_date)`,
      );
      await tx.query(
        `with gone as (delete from readings where not summarise and delivered_at is not null returning key, time)
         insert into delivered_keys (key, time) select key, time from gone on conflict (key) do nothing`,
      );
    });
  }

  /** Forgets delivered keys of readings older than `before`: a copy older than that would be written again (idempotently). */
  async pruneDeliveredKeys(before: Date): Promise<number> {
    const result = await this.db.query('delete from delivered_keys where time < $1', [before.toISOString()]);
    return result.affectedRows ?? 0;
  }

  /** Stores one status fact (`lastFlush`, `lastError`…). */
  async setState(name: string, value: unknown): Promise<void> {
    await this.db.query(
      'insert into gateway_state (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value',
      [name, JSON.stringify(value)],
    );
  }
}
