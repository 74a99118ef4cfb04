// "Who read my data" lists the broker's access records in both forms: one document per record in each month's
// container (since issue 15) and the monthly documents written before.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessRecordQuads } from '../../src/pod/index.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { serializeTurtle } from '../../src/vocab/turtle.ts';
import { listLogMonths, readLogMonths } from '../../src/web/resident/access-log.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from '../gateway/gateway-home.ts';

describe('the resident’s access log', () => {
  let home: GatewayHome;

  beforeAll(async () => {
    home = await createGatewayHome(inject('podServer'));
  });

  afterAll(async () => {
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
    await removeDataDirs();
  });

  it('lists months of per-record documents and older monthly documents, and reads every record newest first', async () => {
    const { layout } = home;
    const record = (document: string, id: string, at: string) =>
      accessRecordQuads({
        document,
        id,
        startedAt: new Date(at),
        endedAt: new Date(at),
        resources: [layout.homeProfile],
        requestId: `req-${id}`,
        consentRecord: `${layout.consentDocument(`req-${id}`)}#consent`,
        brokerWebId: 'http://localhost:3000/broker/profile/card#me',
      });
    const write = (document: string, quads: ReturnType<typeof record>) =>
      writeTurtle(home.resident.agent.fetch, document, serializeTurtle(quads, { baseIRI: document }));
    const legacy = layout.legacyAccessLogDocument('2026-10');
    await write(legacy, [
      ...record(legacy, 'old1', '2026-10-03T10:00:00Z'),
      ...record(legacy, 'old2', '2026-10-20T10:00:00Z'),
    ]);
    for (const [id, at] of [
      ['new1', '2026-11-02T10:00:00Z'],
      ['new2', '2026-11-25T10:00:00Z'],
    ] as const) {
      const document = layout.accessRecordDocument('2026-11', id);
      await write(document, record(document, id, at));
    }

    const months = await listLogMonths(home.resident.agent.fetch, layout);
    expect(months).toEqual([
      { month: '2026-11', document: layout.accessLogMonth('2026-11') },
      { month: '2026-10', document: legacy },
    ]);
    const entries = await readLogMonths(home.resident.agent.fetch, months);
    expect(entries.map((entry) => entry.requestId)).toEqual(['req-new2', 'req-new1', 'req-old2', 'req-old1']);
  });
});
