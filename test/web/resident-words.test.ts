// The resident reads a request, and what answering it changes, in plain words, with exact pod paths.
import { describe, expect, it } from 'vitest';
import type { PublicRequest } from '../../src/broker/contract.ts';
import type { ConsentListing } from '../../src/consent/consent-reader.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { sortAnswers } from '../../src/web/resident/answers-model.ts';
import {
  describeRequest,
  grantChanges,
  refuseChanges,
  revokeChanges,
} from '../../src/web/resident/request-words.ts';

const LAYOUT = new PodLayout('http://localhost:3000/resident-01/');

const REQUEST: PublicRequest = {
  id: '62dab28a-a438-45cf-8fa6-69977dabe3b0',
  council: { id: 'c1', name: 'Northbridge Borough Council' },
  title: 'Damp and cold homes, winter 2026',
  purpose: 'https://w3id.org/dpv#ImprovePublicServices',
  description: 'To target insulation grants.',
  metrics: ['damp.rh70.hours', 'cold.below18.hours'],
  areas: ['E05018412', 'E05018419'],
  period: { from: '2026-01-01', to: '2026-01-31' },
  granularity: 'month',
  split: 'none',
  minCohort: 10,
  consentUntil: '2027-07-01T00:00:00.000Z',
  dp: null,
  createdAt: '2026-11-20T10:00:00.000Z',
  state: 'open',
};

describe('a request in plain words', () => {
  it('says who asks, why, what, where, when, the group size and what the council never sees', () => {
    const words = describeRequest(REQUEST, 'E05018412');
    expect(words.headline).toBe('Northbridge Borough Council asks for figures to improve public services.');
    expect(words.figures).toEqual(['Damp: hours with humidity at or above 70 %', 'Cold: hours below 18 °C']);
    expect(words.source).toContain('daily summaries of humidity and temperature');
    expect(words.areas).toBe('Areas E05018412 (your area) and E05018419');
    expect(words.period).toBe('1 January 2026 to 31 January 2026, month by month');
    expect(words.until).toContain('the end of 30 June 2027');
    expect(words.minimumGroup).toContain('at least 10 homes');
    expect(words.noise).toBeNull();
    expect(words.notSeen).toContain('whether you said yes or no');
    expect(describeRequest({ ...REQUEST, dp: { epsilon: 1 } }, null).noise).toContain('ε = 1');
  });

  it('lists exactly the pod resources a yes opens to the broker, and the record it writes', () => {
    const changes = grantChanges(REQUEST, LAYOUT);
    expect(changes[0]).toBe(`A consent record is saved in your pod at homedata/consents/${REQUEST.id}.ttl.`);
    expect(changes[1]).toContain(
      'may read homedata/summaries/humidity/, homedata/summaries/temperature/ and homedata/home',
    );
    expect(changes.join(' ')).toContain('cannot read your raw readings');
  });

  it('says a yes to a prio3 request opens only the request’s reports to both aggregators, never the summaries', () => {
    const changes = grantChanges({ ...REQUEST, aggregation: 'prio3' }, LAYOUT).join(' ');
    expect(changes).toContain(`may read homedata/reports/${REQUEST.id}/ and your home’s area`);
    expect(changes).toContain(`the helper may read homedata/reports/${REQUEST.id}/`);
    expect(changes).not.toContain('homedata/summaries/');
  });

  it('says a no opens nothing, and a withdrawal takes back what the record granted', () => {
    expect(refuseChanges(REQUEST, LAYOUT).join(' ')).toContain('Nobody gets access');
    const revoke = revokeChanges('Northbridge Borough Council', LAYOUT, [
      LAYOUT.summaryContainer('humidity'),
      LAYOUT.homeProfile,
    ]);
    expect(revoke[0]).toContain('homedata/summaries/humidity/ and homedata/home is removed now');
    expect(revoke[2]).toContain('for Northbridge Borough Council');
  });
});

describe('the resident’s lists', () => {
  const listing = (id: string, standing: ConsentListing['standing'], patch: Partial<PublicRequest> = {}) =>
    ({
      requestId: id,
      request: { ...REQUEST, id, ...patch },
      standing,
      record:
        standing === 'unanswered'
          ? null
          : {
              document: '',
              requestId: id,
              status: 'ConsentGiven',
              purpose: '',
              resident: '',
              answeredAt: new Date(),
            },
    }) as ConsentListing;

  it('puts open unanswered requests for the home’s area in the inbox, counts the others, and sorts answers', () => {
    const answers = sortAnswers(
      [
        listing('a', 'unanswered'),
        listing('b', 'unanswered', { areas: ['E05017207'] }),
        listing('c', 'unanswered', { state: 'closed' }),
        listing('d', 'given'),
        listing('e', 'refused'),
        listing('f', 'withdrawn'),
        listing('g', 'expired'),
      ],
      'E05018412',
    );
    expect(answers.inbox.map((entry) => entry.requestId)).toEqual(['a']);
    expect(answers.elsewhere).toBe(1);
    expect(answers.active.map((entry) => entry.requestId)).toEqual(['d']);
    expect(answers.history.map((entry) => entry.requestId).sort()).toEqual(['e', 'f', 'g']);
  });

  it('puts a request the broker offered to the home’s inbox in the inbox, whatever area it names', () => {
    const answers = sortAnswers(
      [
        listing('a', 'unanswered', { areas: ['E05017207'] }),
        listing('b', 'unanswered', { areas: ['E05017207'] }),
      ],
      'E05018412',
      new Set(['b']),
    );
    expect(answers.inbox.map((entry) => entry.requestId)).toEqual(['b']);
    expect(answers.elsewhere).toBe(1);
  });
});
