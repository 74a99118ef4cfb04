// Structured JSON logs (pino) for every long-running part; one logger is made at the composition root and passed down.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `HOMEDATA_LOG_LEVEL` overrides the level (e.g. `silent` in tests). */
export function createLogger(name: string, level = process.env.HOMEDATA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { part: name } });
}
