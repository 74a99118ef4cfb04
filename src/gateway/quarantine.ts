// The quarantine file: one JSON line per refused message or batch, with the reason and the raw input, for a person to inspect.
import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** One refused message (bad JSON, wrong type, impossible value, unknown device) or pod-refused batch. */
export interface QuarantineEntry {
  /** When the gateway refused it. */
  at: string;
  /** The input (`zigbee2mqtt`, `http`…) or `pod` for a batch the pod server refused. */
  source: string;
  /** Why it was refused, for a person. */
  reason: string;
  /** MQTT topic, CSV line or pod document, when there is one. */
  where?: string;
  /** The input as received (text up to 64 KiB) or the readings of a refused batch. */
  raw: unknown;
}

/** Raw payloads beyond this are cut: the file must not grow by megabytes per bad message. */
const MAX_RAW_CHARS = 64 * 1024;

/** Appends entries to a JSON-lines file, one write at a time so lines never interleave. */
export class Quarantine {
  readonly file: string;
  /** Entries this process has appended: refused messages and pod-refused batches alike. */
  added = 0;
  private tail: Promise<void> = Promise.resolve();
  private ready: Promise<unknown> | undefined;

  constructor(file: string) {
    this.file = file;
  }

  /** Appends entries; resolves once they are in the file (before the message is acknowledged). */
  add(entries: readonly Omit<QuarantineEntry, 'at'>[], now: Date): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const lines = entries
      .map((entry) => {
        const raw =
          typeof entry.raw === 'string' && entry.raw.length > MAX_RAW_CHARS
            ? `${entry.raw.slice(0, MAX_RAW_CHARS)}…`
            : entry.raw;
        return JSON.stringify({ at: now.toISOString(), ...entry, raw });
      })
      .join('\n');
    this.ready ??= mkdir(dirname(this.file), { recursive: true });
    const write = this.tail.then(async () => {
      await this.ready;
      await appendFile(this.file, `${lines}\n`);
      this.added += entries.length;
    });
    this.tail = write.catch(() => undefined);
    return write;
  }
}

/** Number of entries in a quarantine file (0 when it does not exist). */
export async function countQuarantined(file: string): Promise<number> {
  let count = 0;
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) if (line.trim() !== '') count++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  return count;
}
