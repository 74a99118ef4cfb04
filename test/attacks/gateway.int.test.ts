// Attacks by a gateway on the pod it writes to: its WebID may append readings and summaries but reads, overwrites
// and deletes nothing; refused writes are quarantined. Under WAC and under ACP pod servers alike.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { startGateway } from '../../src/gateway/index.ts';
import { observationQuads, readingKey } from '../../src/gateway/observation-rdf.ts';
import { PodWriter, REFUSAL_PERSISTS } from '../../src/gateway/pod-writer.ts';
import { summaryQuads, summaryDocumentOf } from '../../src/pod/formats/daily-summary.ts';
import { summariseReadings } from '../../src/metrics/index.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { createLogger } from '../../src/logging.ts';
import { podRequest, readTurtle } from '../../src/pod/resource-read.ts';
import { revokeAccess } from '../../src/pod/access-control.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { attack } from './attack.ts';
import { createGatewayHome, statusOf, type GatewayHome, removeDataDirs } from '../gateway/gateway-home.ts';

const servers = [
  { system: 'wac', server: inject('podServer') },
  { system: 'acp', server: inject('podServerAcp') },
] as const;

const reading: Reading = {
  sensor: 'living-th1',
  room: 'living-room',
  property: 'temperature',
  time: new Date('2026-01-05T10:15:00Z'),
  value: 19.5,
};

describe.each(servers)('gateway rights on the $system pod', ({ server, system }) => {
  let home: GatewayHome;
  let writer: PodWriter;

  beforeAll(async () => {
    home = await createGatewayHome(server);
    writer = new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date());
  });

  afterAll(async () => {
    await writer?.close();
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
  });

  it('creates a flush document (and its hour container) with Append, writes it again as a no-op, and appends summaries', async () => {
    const document = home.layout.readingsDocument(reading.time, 'flush-a');
    const quads = observationQuads(reading, home.layout);
    expect(await writer.create(document, quads)).toEqual({ kind: 'written' });
    // A retried flush: the create is refused (Append cannot tell it exists) and the insert adds nothing.
    expect(await writer.create(document, quads)).toEqual({ kind: 'written' });
    const written = await readTurtle(home.resident.agent.fetch, document);
    expect(written!.store.size).toBe(quads.length);
    expect(await statusOf(home.resident.agent, home.layout.readingsHour(reading.time))).toBe(200);
    const [summary] = summariseReadings([reading], 'Europe/London', {
      now: new Date('2026-02-01T00:00:00Z'),
    });
    const summaryUrl = summaryDocumentOf(home.layout, summary!);
    expect(await writer.insert(summaryUrl, summaryQuads(summary!, home.layout, 'Europe/London'))).toEqual({
      kind: 'written',
    });
    expect(await statusOf(home.resident.agent, document)).toBe(200);
    expect(await statusOf(home.resident.agent, summaryUrl)).toBe(200);
  });

  attack(
    {
      id: 'G1',
      attacker: 'gateway',
      tried: `reads the readings, summaries, home profile, devices, consents, access log and listings it appends to (${system} pod)`,
      expected: '403 on every GET and HEAD: Append only',
    },
    async () => {
      const { layout } = home;
      const targets = [
        layout.readingsDocument(reading.time, 'flush-a'),
        layout.readingsHour(reading.time),
        layout.readings,
        `${layout.readings}2026/`,
        `${layout.readings}2026/01/05/`,
        layout.summaries,
        `${layout.summaries}temperature/`,
        layout.summaryDocument('temperature', '2026-01'),
        layout.root,
        layout.homeProfile,
        layout.devices,
        layout.gatewayDocument,
        layout.consents,
        layout.accessLog,
      ];
      const answers: Record<string, number[]> = {};
      for (const url of targets) {
        answers[url] = [
          await statusOf(home.gateway.agent, url, 'GET'),
          await statusOf(home.gateway.agent, url, 'HEAD'),
        ];
      }
      expect(answers).toEqual(Object.fromEntries(targets.map((url) => [url, [403, 403]])));
    },
  );

  attack(
    {
      id: 'G2',
      attacker: 'gateway',
      tried: `overwrites, deletes or patch-deletes readings already in the pod (${system} pod)`,
      expected: '403 on PUT, DELETE and an N3 Patch with deletes',
    },
    async () => {
      const document = home.layout.readingsDocument(reading.time, 'flush-a');
      const put = await podRequest(home.gateway.agent.fetch, document, {
        method: 'PUT',
        headers: { 'content-type': 'text/turtle' },
        body: '',
      });
      expect(put.status).toBe(403);
      const remove = await podRequest(home.gateway.agent.fetch, document, { method: 'DELETE' });
      expect(remove.status).toBe(403);
      const [observation] = observationQuads(reading, home.layout);
      const deletion =
        '@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n' +
        `_:patch a solid:InsertDeletePatch; solid:deletes { <${observation!.subject.value}> a <${TERMS.sosa.Observation.value}> . }.\n`;
      const patch = await podRequest(home.gateway.agent.fetch, document, {
        method: 'PATCH',
        headers: { 'content-type': 'text/n3' },
        body: deletion,
      });
      expect(patch.status).toBe(403);
    },
  );

  it('quarantines a batch the pod refuses (Append revoked) once the refusal persists, instead of retrying it forever', async () => {
    const settings = await home.settings();
    const clock = { now: Date.now() };
    const gateway = await startGateway(settings, {
      logger: createLogger('gateway', 'silent'),
      manual: true,
      now: () => new Date(clock.now),
    });
    try {
      const later = { ...reading, time: new Date('2026-01-06T08:00:00Z') };
      expect((await gateway.intake.readings([later], { source: 'simulator' })).accepted).toBe(1);
      await revokeAccess(
        { fetch: home.resident.agent.fetch, ownerWebId: home.resident.agent.webId },
        home.layout.readings,
        home.gateway.identity.webId,
      );

      // A 403 is also what a pod server gives while a grant is not in effect: retried until it has persisted.
      for (let answer = 1; answer < REFUSAL_PERSISTS.answers; answer++) {
        expect((await gateway.scheduler.flushNow()).retry?.reason).toMatch(/answered 403/);
        clock.now += REFUSAL_PERSISTS.ms / (REFUSAL_PERSISTS.answers - 1);
      }
      const report = await gateway.scheduler.flushNow();
      expect(report).toMatchObject({ delivered: 0, writes: 0 });
      expect(report.retry).toBeUndefined();
      const attempts = gateway.pod.attempts;
      await gateway.scheduler.flushNow();
      expect(gateway.pod.attempts).toBe(attempts);
      expect((await gateway.status()).pending).toBe(0);
      const [entry] = (await readFile(settings.quarantineFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      expect(entry).toMatchObject({
        source: 'pod',
        where: home.layout.readingsDocument(later.time, readingKey(later)),
        reason: expect.stringMatching(/^pod answered 403/),
      });
      expect(entry.raw).toEqual([{ ...later, time: later.time.toISOString() }]);
    } finally {
      await gateway.stop({ finalFlushMs: 0 });
    }
  });
});

afterAll(async () => {
  await removeDataDirs();
});
