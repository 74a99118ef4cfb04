// An invalid PostgreSQL schema name is a configuration error (exit code 2), refused before any connection.
import { describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../../src/broker/db/postgres-database.ts';
import { ConfigError, exitCodeFor } from '../../../src/errors.ts';

describe('openPostgresDatabase', () => {
  it('refuses a schema name that is not a plain identifier with a ConfigError', async () => {
    const opening = openPostgresDatabase('postgres://nowhere.invalid/db', 'x; DROP TABLE homes');
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening.catch(exitCodeFor)).resolves.toBe(2);
  });
});
