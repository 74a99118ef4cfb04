// The access record format: what the broker appends is what the resident's page and the audit check read back.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import {
  accessRecordQuads,
  auditRowLiteral,
  parseAccessLog,
  type AccessRecord,
} from '../../../src/pod/formats/access-record.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { assertValid, parseTurtle, serializeTurtle, TERMS } from '../../../src/vocab/index.ts';

const layout = new PodLayout('http://localhost:3000/alice/');
const now = new Date('2026-03-01T00:00:00Z');
const HASH = 'ab'.repeat(32);

/** A batch of two reads, as the audited pod reader records it. */
const RECORD: AccessRecord = {
  document: layout.accessRecordDocument('2026-03', '0123456789abcdef'),
  id: '0123456789abcdef',
  startedAt: now,
  endedAt: new Date(now.getTime() + 1_000),
  resources: [layout.summaryDocument('humidity', '2026-01'), layout.homeProfile],
  requestId: 'req-1',
  consentRecord: `${layout.consentDocument('req-1')}#consent`,
  brokerWebId: 'http://localhost:3000/broker/profile/card#me',
  auditRows: [
    { seq: 7, rowHash: HASH },
    { seq: 8, rowHash: HASH },
  ],
};

/** Writes records to Turtle and parses the log back, as the pod would store it. */
function roundTrip(...records: AccessRecord[]) {
  const text = serializeTurtle(records.flatMap(accessRecordQuads), { baseIRI: RECORD.document });
  return parseTurtle(text, { baseIRI: RECORD.document });
}

describe('access record format', () => {
  it('is shape-valid and names what was read, when, under which request and consent', async () => {
    const quads = accessRecordQuads(RECORD);
    await assertValid(quads, { source: 'access record' });
    expect(quads.filter((quad) => quad.predicate.equals(TERMS.prov.used))).toHaveLength(2);
  });

  it('reads back what was written, newest first, with its audit rows', () => {
    const later = { ...RECORD, id: 'fedcba9876543210', startedAt: new Date('2026-03-02T00:00:00Z') };
    const entries = parseAccessLog(roundTrip(RECORD, later));
    expect(entries.map((entry) => entry.iri)).toEqual([
      `${RECORD.document}#access-fedcba9876543210`,
      `${RECORD.document}#access-0123456789abcdef`,
    ]);
    expect(entries[1]).toEqual({
      iri: `${RECORD.document}#access-0123456789abcdef`,
      startedAt: RECORD.startedAt,
      endedAt: RECORD.endedAt,
      requestId: 'req-1',
      resources: [...RECORD.resources].sort(),
      reader: RECORD.brokerWebId,
      auditRows: RECORD.auditRows,
    });
  });

  it('skips a record without a start time, and an audit row that is not `<seq>:<hash>`', () => {
    const store = roundTrip(RECORD);
    const [subject] = store.getSubjects(TERMS.rdf.type, TERMS.hd.AccessRecord, null);
    store.removeQuads(store.getQuads(null, TERMS.hd.auditRow, null, null).slice(0, 1));
    expect(parseAccessLog(store)[0]!.auditRows).toHaveLength(1);
    store.addQuad(subject!, TERMS.hd.auditRow, DataFactory.literal('7:not-a-hash'));
    expect(parseAccessLog(store)[0]!.auditRows).toHaveLength(1);
    store.removeQuads(store.getQuads(null, TERMS.prov.startedAtTime, null, null));
    expect(parseAccessLog(store)).toEqual([]);
  });

  it('spells an audit row as `<seq>:<hash>`', () => {
    expect(auditRowLiteral({ seq: 7, rowHash: HASH })).toBe(`7:${HASH}`);
  });
});
