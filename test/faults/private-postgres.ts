// A private PostgreSQL for the fault suite: its own cluster in a temporary folder on a free port, stopped and started at will (never the machine's shared one).
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/free-port.ts';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 binaries (CI installs the `postgresql` package). */
const BIN = '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL cluster. */
export interface PrivatePostgres {
  /** Connection URL (trust authentication, user postgres, database postgres). */
  readonly url: string;
  /** Stops the server: `fast` ends sessions and checkpoints, `immediate` aborts without a checkpoint. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root: as root, the cluster is made and run as user `postgres` (`runuser`), in a
 * folder that user owns.
 */
async function asPostgres(command: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  await run(
    asRoot ? 'runuser' : join(BIN, command),
    asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args,
  );
}

/** Makes a cluster in a new temporary folder and starts it on a free port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const folder = await mkdtemp(join(tmpdir(), 'homedata-faults-postgres-'));
  const data = join(folder, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(folder, Number(stdout.trim()), Number(group.trim()));
  }
  const port = await findFreePort();
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  // Loopback only, the socket in the cluster's own folder (not /var/run/postgresql, which the shared server uses).
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'log'), '-w', 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start,
    async dispose() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
