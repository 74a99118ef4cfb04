// Consent records and access records: shape-valid in every status, readable back, and accepted by the broker only when they give the request.
import { describe, expect, it } from 'vitest';
import {
  checkConsentRecord,
  type ConsentExpectation,
} from '../../src/broker/consents/consent-record-check.ts';
import { accessRecordQuads } from '../../src/broker/pod-access/access-record.ts';
import {
  consentRecordQuads,
  isActive,
  parseConsentRecord,
  type ConsentRecord,
} from '../../src/consent/consent-record.ts';
import { grantTargets } from '../../src/pod/grant-scope.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { assertValid, DPV, parseTurtle, serializeTurtle } from '../../src/vocab/index.ts';

const pod = 'http://localhost:3000/alice/';
const layout = new PodLayout(pod);
const resident = `${pod}profile/card#me`;
const broker = 'http://localhost:3000/broker/profile/card#me';
const requestId = '5b0d3c56-1b8e-4a3e-9a39-4d1c2b1f2a10';
const purpose = DPV('ImprovePublicServices');
const now = new Date('2026-03-01T00:00:00Z');
const metrics = ['damp.rh70.hours', 'damp.surfaceRh.mean'];

/** A given consent as the consent module writes it. */
function given(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    document: layout.consentDocument(requestId),
    requestId,
    status: 'ConsentGiven',
    purpose,
    resident,
    answeredAt: now,
    broker,
    targets: grantTargets(layout, metrics),
    expiresAt: new Date('2026-12-31T00:00:00Z'),
    ...overrides,
  };
}

/** Writes a record to Turtle and reads it back, as the pod would store it. */
function roundTrip(record: ConsentRecord) {
  const text = serializeTurtle(consentRecordQuads(record));
  return parseTurtle(text, { baseIRI: record.document });
}

/** What the broker expects of the record above. */
function expectation(overrides: Partial<ConsentExpectation> = {}): ConsentExpectation {
  return {
    recordDocument: layout.consentDocument(requestId),
    requestId,
    purpose,
    residentWebId: resident,
    brokerWebId: broker,
    requiredTargets: grantTargets(layout, metrics),
    now,
    ...overrides,
  };
}

describe('consent records', () => {
  it('grant Read on the summary containers the metrics need and the home profile, never readings', () => {
    expect(grantTargets(layout, metrics)).toEqual([
      layout.summaryContainer('humidity'),
      layout.summaryContainer('temperature'),
      layout.homeProfile,
    ]);
    expect(grantTargets(layout, ['damp.rh80.hours'])).toEqual([
      layout.summaryContainer('humidity'),
      layout.homeProfile,
    ]);
    expect(grantTargets(layout, metrics).some((url) => url.startsWith(layout.readings))).toBe(false);
  });

  it('are shape-valid in every status, with no blank nodes', async () => {
    const records = [
      given(),
      given({ status: 'ConsentWithdrawn', withdrawnAt: now }),
      given({ status: 'ConsentExpired' }),
      {
        document: given().document,
        requestId,
        status: 'ConsentRefused',
        purpose,
        resident,
        answeredAt: now,
      } as ConsentRecord,
    ];
    for (const record of records) {
      const quads = consentRecordQuads(record);
      await assertValid(quads, { source: record.status });
      expect(
        quads.some((quad) => quad.subject.termType === 'BlankNode' || quad.object.termType === 'BlankNode'),
      ).toBe(false);
    }
  });

  it('fail the shape when a withdrawn record has no withdrawal time', async () => {
    await expect(assertValid(consentRecordQuads(given({ status: 'ConsentWithdrawn' })))).rejects.toThrow(
      /hd:withdrawalTime/,
    );
  });

  it('read back as written', () => {
    const record = given({ status: 'ConsentWithdrawn', withdrawnAt: now });
    expect(parseConsentRecord(roundTrip(record), record.document)).toEqual(record);
  });

  it('are active while given and unexpired', () => {
    expect(isActive(given(), now)).toBe(true);
    expect(isActive(given(), new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isActive(given({ status: 'ConsentWithdrawn', withdrawnAt: now }), now)).toBe(false);
  });
});

describe("the broker's check of a consent record", () => {
  it('accepts a record the consent module wrote', () => {
    const checked = checkConsentRecord(roundTrip(given()), expectation());
    expect(checked.recordIri).toBe(`${layout.consentDocument(requestId)}#consent`);
    expect(checked.expiresAt.toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  it.each([
    ['another purpose', expectation({ purpose: DPV('PublicPolicyMaking') }), /purpose/],
    ['another broker', expectation({ brokerWebId: 'https://evil.example/#me' }), /assignee/],
    ['another resident calling', expectation({ residentWebId: 'https://bob.example/#me' }), /assigner/],
    ['another request', expectation({ requestId: 'other' }), /requestId/],
    ['an expired consent', expectation({ now: new Date('2027-01-01T00:00:00Z') }), /expired/],
    ['a target it does not name', expectation({ requiredTargets: [layout.readings] }), /does not cover/],
  ])('refuses %s', (_what, expected, message) => {
    expect(() => checkConsentRecord(roundTrip(given()), expected)).toThrow(message);
  });

  it('refuses a record that is not ConsentGiven', () => {
    const withdrawn = given({ status: 'ConsentWithdrawn', withdrawnAt: now });
    expect(() => checkConsentRecord(roundTrip(withdrawn), expectation())).toThrow(/ConsentGiven/);
  });
});

describe('access records', () => {
  it('are shape-valid and name what was read, when, under which request and consent', async () => {
    const quads = accessRecordQuads({
      document: layout.accessRecordDocument('2026-03', '0123456789abcdef'),
      id: '0123456789abcdef',
      startedAt: now,
      endedAt: now,
      resources: [layout.summaryDocument('humidity', '2026-01'), layout.homeProfile],
      requestId,
      consentRecord: `${layout.consentDocument(requestId)}#consent`,
      brokerWebId: broker,
    });
    await assertValid(quads, { source: 'access record' });
    expect(
      quads.filter(
        (quad) => quad.predicate.value.endsWith('#used') || quad.predicate.value.endsWith('/used'),
      ),
    ).toHaveLength(2);
  });
});
