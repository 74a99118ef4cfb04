// The one way into the outbox for every input: check, quarantine what is wrong, commit the rest, tell the scheduler.
import type { Reading } from '../metrics/index.ts';
import type { Logger } from '../logging.ts';
import type { DeviceMap } from './device-map.ts';
import type { OutboxWriter } from './outbox-writer.ts';
import type { Quarantine } from './quarantine.ts';
import { checkReading } from './reading-checks.ts';
import { readingsFromMessage, type InputSource, type ParsedMessage } from './sensor-message.ts';

/** What became of one message or batch; `accepted` readings are committed when the promise resolves. */
export interface IntakeResult {
  accepted: number;
  duplicates: number;
  /** Reasons for the parts that went to quarantine (empty when none did). */
  quarantined: string[];
}

/** Where a message came from and what it looked like, for the quarantine file. */
export interface MessageOrigin {
  source: InputSource;
  /** Topic, line number or request. */
  where?: string;
  raw: unknown;
}

/** Everything the intake works with. */
export interface IntakeParts {
  devices: DeviceMap;
  writer: OutboxWriter;
  quarantine: Quarantine;
  logger: Logger;
  now: () => Date;
  maxClockSkewMs: number;
  /** Told how many readings were just committed (the scheduler flushes early past its threshold). */
  onAccepted: (count: number) => void;
}

/** Counters since start, for status. */
export interface IntakeCounters {
  accepted: number;
  duplicates: number;
  quarantined: number;
}

/** Checks and commits readings from any input. */
export class ReadingIntake {
  private readonly parts: IntakeParts;
  readonly counters: IntakeCounters = { accepted: 0, duplicates: 0, quarantined: 0 };

  constructor(parts: IntakeParts) {
    this.parts = parts;
  }

  /** Takes one parsed input message: its good values are committed, the rest quarantined (one entry per message). */
  async message(parsed: ParsedMessage, origin: MessageOrigin): Promise<IntakeResult> {
    const { result } = await this.messages([{ parsed, origin }]);
    return result;
  }

  /**
   * Takes several messages (an HTTP batch) in one commit; each message with a refused part is one quarantine
   * entry. Returns the totals and, per message, the reason it was (partly) quarantined.
   */
  async messages(
    items: readonly { parsed: ParsedMessage; origin: MessageOrigin }[],
  ): Promise<{ result: IntakeResult; reasons: (string | undefined)[] }> {
    const now = this.parts.now();
    const good: Reading[] = [];
    const reasons = items.map(({ parsed }): string | undefined => {
      if (parsed.kind === 'skip') return undefined;
      if (parsed.kind === 'invalid') return parsed.reason;
      const { readings, problems } = readingsFromMessage(parsed.message, {
        devices: this.parts.devices,
        now,
        maxClockSkewMs: this.parts.maxClockSkewMs,
      });
      good.push(...readings);
      return problems.length > 0 ? problems.join('; ') : undefined;
    });
    const result = await this.commit(good);
    for (const [index, reason] of reasons.entries()) {
      if (reason !== undefined)
        result.quarantined.push(...(await this.refuse([reason], items[index]!.origin)).quarantined);
    }
    return { result, reasons };
  }

  /** Takes readings that already carry room and property (simulator, CSV): each is still checked and flagged. */
  async readings(readings: readonly Reading[], origin: Omit<MessageOrigin, 'raw'>): Promise<IntakeResult> {
    const now = this.parts.now();
    const good: Reading[] = [];
    const entries: MessageOrigin[] = [];
    const reasons: string[] = [];
    for (const reading of readings) {
      const check = checkReading(reading, now, this.parts.maxClockSkewMs);
      if (check.kind === 'kept') {
        good.push(check.reading);
        continue;
      }
      reasons.push(check.reason);
      entries.push({
        ...origin,
        raw: { ...reading, time: Number.isNaN(reading.time.getTime()) ? null : reading.time.toISOString() },
      });
    }
    const result = await this.commit(good);
    await this.parts.quarantine.add(
      entries.map((entry, index) => ({ ...entry, reason: reasons[index]! })),
      now,
    );
    this.counters.quarantined += entries.length;
    return { ...result, quarantined: reasons };
  }

  /** Writes a refused message to the quarantine file. */
  async refuse(reasons: string[], origin: MessageOrigin): Promise<IntakeResult> {
    const reason = reasons.join('; ');
    await this.parts.quarantine.add([{ ...origin, reason }], this.parts.now());
    this.counters.quarantined++;
    this.parts.logger.warn({ source: origin.source, where: origin.where, reason }, 'message quarantined');
    return { accepted: 0, duplicates: 0, quarantined: [reason] };
  }

  /** Commits good readings and tells the scheduler. */
  private async commit(readings: readonly Reading[]): Promise<IntakeResult> {
    const { accepted, duplicates } = await this.parts.writer.accept(readings);
    this.counters.accepted += accepted;
    this.counters.duplicates += duplicates;
    if (accepted > 0) this.parts.onAccepted(accepted);
    return { accepted, duplicates, quarantined: [] };
  }
}
