// Integration: the gateway's WebID may append readings and summaries but reads nothing of the pod (403 everywhere).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { observationQuads } from '../../src/gateway/observation-rdf.ts';
import { PodWriter } from '../../src/gateway/pod-writer.ts';
import { summaryQuads, summaryDocumentOf } from '../../src/gateway/summary-rdf.ts';
import { summariseReadings } from '../../src/metrics/index.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { createLogger } from '../../src/logging.ts';
import { podRequest } from '../../src/pod/resource-read.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { createGatewayHome, statusOf, type GatewayHome } from './gateway-home.ts';

let home: GatewayHome;
let writer: PodWriter;
const reading: Reading = {
  sensor: 'living-th1',
  room: 'living-room',
  property: 'temperature',
  time: new Date('2026-01-05T10:15:00Z'),
  value: 19.5,
};

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  writer = new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date());
});

afterAll(async () => {
  await writer?.close();
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
});

describe('gateway rights on the pod', () => {
  it('appends readings and summaries (N3 Patch, inserts only)', async () => {
    const document = home.layout.readingsDocument(reading.time);
    expect(await writer.insert(document, observationQuads(reading, home.layout))).toEqual({
      kind: 'written',
    });
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

  it('gets 403 on every read: readings, summaries, home profile, devices and container listings', async () => {
    const { layout } = home;
    const targets = [
      layout.readingsDocument(reading.time),
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
  });

  it('cannot overwrite, delete or patch-delete what is there', async () => {
    const document = home.layout.readingsDocument(reading.time);
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
  });
});
