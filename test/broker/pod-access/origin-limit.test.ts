// The broker's per-origin limit: however many homes a run reads at once, no pod server gets more than
// `podAccess.maxRequestsPerOrigin` of its requests in flight, and one busy server does not hold the others.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/broker/db/database.ts';
import { AuditedPodReader } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { OriginLimit } from '../../../src/broker/pod-access/origin-limit.ts';
import { DEFAULT_POD_ACCESS } from '../../../src/broker/pod-access/pod-access-limits.ts';
import { createLogger } from '../../../src/logging.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

const LIMIT = 3;

/** A loopback pod server that answers every GET and PUT after `delayMs` and counts what it has in flight. */
async function countingServer(delayMs: number) {
  const counts = { inFlight: 0, peak: 0, requests: 0 };
  const server: Server = createServer((request, response) => {
    counts.inFlight++;
    counts.requests++;
    counts.peak = Math.max(counts.peak, counts.inFlight);
    request.resume();
    setTimeout(() => {
      counts.inFlight--;
      if (request.method === 'PUT') response.writeHead(201).end();
      else response.writeHead(200, { 'content-type': 'text/turtle' }).end('<#a> <#b> <#c>.');
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const url = `http://localhost:${typeof address === 'object' && address ? address.port : 0}/`;
  return { url, counts, stop: () => new Promise((done) => server.close(done)) };
}

describe('per-origin request limit', () => {
  let db: Database;
  let servers: Awaited<ReturnType<typeof countingServer>>[];

  beforeAll(async () => {
    db = await openMemoryDatabase();
    servers = [await countingServer(40), await countingServer(40)];
  }, 60_000);

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await db?.close();
  });

  it('keeps each pod server within the limit while many homes are read at once, both servers busy together', async () => {
    const reader = new AuditedPodReader({
      db,
      fetch: globalThis.fetch,
      brokerWebId: 'http://localhost/broker/profile/card#me',
      auditKey: new Uint8Array(32).fill(7),
      clock: () => new Date(),
      logger: createLogger('origin-limit-test', 'silent'),
      trust: {
        podOrigins: new Set(servers.map((server) => new URL(server.url).origin)),
        allowPrivateNetwork: false,
      },
      limits: { ...DEFAULT_POD_ACCESS, maxRequestsPerOrigin: LIMIT },
    });
    let overall = 0;
    let overallPeak = 0;
    const track = setInterval(() => {
      overall = servers.reduce((sum, server) => sum + server.counts.inFlight, 0);
      overallPeak = Math.max(overallPeak, overall);
    }, 5);
    try {
      // 24 homes at once, each two GETs and its access record PUT, alternating between the two servers.
      await Promise.all(
        Array.from({ length: 24 }, async (_, index) => {
          const pod = `${servers[index % 2]!.url}home-${index}/`;
          const layout = new PodLayout(pod);
          const requestId = `req-${index}`;
          const documents = await reader.readForVerification(
            {
              requestId,
              residentWebId: `${pod}profile/card#me`,
              pod,
              consentRecord: layout.consentDocument(requestId),
            },
            [layout.consentDocument(requestId), layout.homeProfile],
          );
          expect(documents.map((document) => document.status)).toEqual([200, 200]);
        }),
      );
    } finally {
      clearInterval(track);
    }
    for (const server of servers) {
      expect(server.counts.requests).toBe(12 * 3);
      // Reached, never passed: without the limit each server had 24 at once.
      expect(server.counts.peak).toBe(LIMIT);
    }
    expect(overallPeak).toBeGreaterThan(LIMIT);
  });

  it('frees the slot of a request that failed', async () => {
    const limit = new OriginLimit(1);
    await expect(limit.run('http://localhost:1/a', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    await expect(limit.run('http://localhost:1/b', () => Promise.resolve('next'))).resolves.toBe('next');
  });
});
