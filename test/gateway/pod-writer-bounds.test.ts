// Unit tests: a pod that never answers, trickles bytes or sends a huge answer costs a gateway write a bounded time and memory.
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { PodWriter } from '../../src/gateway/pod-writer.ts';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';

const TIMEOUT_MS = 1_000;
const quads = [
  DataFactory.quad(
    DataFactory.namedNode('https://pod.example/r#a'),
    DataFactory.namedNode('https://pod.example/v#b'),
    DataFactory.literal('1'),
  ),
];

let hostile: HostileServer;
let writer: PodWriter;

beforeAll(async () => {
  hostile = await startHostileServer();
  writer = new PodWriter(
    { issuer: hostile.url, clientId: 'gateway', clientSecret: 'secret' },
    createLogger('gateway', 'silent'),
    () => new Date(),
    {
      bounds: { timeoutMs: TIMEOUT_MS, maxBytes: 10_000 },
      // The hostile server plays the pod; the login is not what is tested.
      login: async () => ({ webId: `${hostile.url}gateway#me`, fetch, logout: async () => undefined }),
    },
  );
});
afterAll(() => hostile.stop());

/** Runs a write and how long it took. */
async function timed(path: string) {
  const started = Date.now();
  const outcome = await writer.insert(`${hostile.url}${path.slice(1)}`, quads);
  return { outcome, ms: Date.now() - started };
}

describe('gateway writes to a hostile pod', () => {
  it('gives up on a pod that never answers after its timeout, and retries later (hangs before this change)', async () => {
    hostile.on('/silent', { kind: 'silent' });
    const { outcome, ms } = await timed('/silent');
    expect(outcome).toMatchObject({
      kind: 'retry',
      reason: expect.stringContaining('did not answer within'),
    });
    expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
  }, 20_000);

  it('gives up on an error answer that trickles a byte at a time, within the same deadline (hangs before)', async () => {
    // A 503 whose body never ends: the deadline covers the body too.
    hostile.on('/trickle', { kind: 'trickle', byteEveryMs: 100, status: 503 });
    const { outcome, ms } = await timed('/trickle');
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
  }, 20_000);

  it('reads no more than its cap of a huge error answer', async () => {
    hostile.on('/huge', { kind: 'huge', bytes: 50_000_000, status: 500 });
    const before = process.memoryUsage().rss;
    const { outcome, ms } = await timed('/huge');
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(30_000_000);
  }, 20_000);

  it('gives up on a login that never finishes after its deadline, and logs in again on the next write (hangs before)', async () => {
    let logins = 0;
    const stuck = new PodWriter(
      { issuer: hostile.url, clientId: 'gateway', clientSecret: 'secret' },
      createLogger('gateway', 'silent'),
      () => new Date(),
      {
        bounds: { timeoutMs: TIMEOUT_MS, maxBytes: 10_000 },
        loginTimeoutMs: TIMEOUT_MS,
        login: () => {
          logins++;
          return new Promise(() => undefined);
        },
      },
    );
    const started = Date.now();
    expect(await stuck.insert(`${hostile.url}doc`, quads)).toMatchObject({
      kind: 'retry',
      reason: expect.stringContaining('did not finish within'),
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    await stuck.insert(`${hostile.url}doc`, quads);
    expect(logins).toBe(2);
  }, 20_000);
});
