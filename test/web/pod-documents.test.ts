// The resident page reads its own pod documents: home profile, access log, hourly readings and daily summaries.
import { describe, expect, it } from 'vitest';
import { accessRecordQuads, parseAccessLog } from '../../src/pod/formats/access-record.ts';
import { observationQuads } from '../../src/gateway/observation-rdf.ts';
import { summaryQuads } from '../../src/pod/formats/daily-summary.ts';
import { homeProfileTurtle } from '../../src/pod/formats/home-profile.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { parseTurtle, serializeTurtle } from '../../src/vocab/turtle.ts';
import { resourceWords } from '../../src/web/resident/access-log.ts';
import { homeViewOf, roomName } from '../../src/web/resident/home-profile.ts';
import {
  alignByRoom,
  dayWindow,
  parseReadings,
  parseSummaries,
  previousMonth,
  roomRange,
} from '../../src/web/resident/home-readings.ts';

const LAYOUT = new PodLayout('http://localhost:3000/resident-01/');

/** Quads written as the pod stores them, then parsed back the way the page reads them. */
function roundTrip(quads: Parameters<typeof serializeTurtle>[0], document: string) {
  return parseTurtle(serializeTurtle(quads, { baseIRI: document }), { baseIRI: document });
}

describe('resident pod documents', () => {
  it('reads the area and room names from the home profile', () => {
    const profile = homeViewOf(
      parseTurtle(
        homeProfileTurtle(LAYOUT, {
          area: 'E05018412',
          dwellingType: 'Flat',
          timeZone: 'Europe/London',
          rooms: [{ slug: 'living-room', name: 'Living room' }],
        }),
        { baseIRI: LAYOUT.homeProfile },
      ),
    );
    expect(profile.area).toBe('E05018412');
    expect(roomName(profile, 'living-room')).toBe('Living room');
    expect(roomName(profile, 'outdoor')).toBe('Outdoors');
    expect(roomName(profile, 'bedroom-3')).toBe('bedroom 3');
  });

  it('lists access records newest first, with what was read in words', () => {
    const document = LAYOUT.accessRecordDocument('2026-11', 'merged');
    const record = (id: string, at: string) =>
      accessRecordQuads({
        document,
        id,
        startedAt: new Date(at),
        endedAt: new Date(at),
        resources: [LAYOUT.summaryDocument('humidity', '2026-01'), LAYOUT.homeProfile],
        requestId: 'req-1',
        consentRecord: LAYOUT.consentDocument('req-1'),
        brokerWebId: 'http://localhost:3000/broker/profile/card#me',
      });
    const entries = parseAccessLog(
      roundTrip([...record('a', '2026-11-20T10:00:00Z'), ...record('b', '2026-11-21T10:00:00Z')], document),
    );
    expect(entries.map((entry) => entry.iri.split('#')[1])).toEqual(['access-b', 'access-a']);
    expect(entries[0]).toMatchObject({
      requestId: 'req-1',
      reader: 'http://localhost:3000/broker/profile/card#me',
    });
    const words = entries[0]!.resources.map((url) => resourceWords(LAYOUT, url, (property) => property));
    expect(words).toEqual([
      'your home profile (area and dwelling type)',
      'daily summaries of humidity, 2026-01',
    ]);
  });

  it('reads readings by property and room, and windows the last 24 hours', () => {
    const time = new Date('2026-01-31T23:10:00Z');
    const document = LAYOUT.readingsDocument(time, 'flush');
    const quads = [
      ...observationQuads(
        { sensor: 'living-th1', room: 'living-room', property: 'temperature', time, value: 19.5 },
        LAYOUT,
      ),
      ...observationQuads(
        { sensor: 'living-th1', room: 'living-room', property: 'humidity', time, value: 61 },
        LAYOUT,
      ),
    ];
    const readings = parseReadings(roundTrip(quads, document));
    expect(readings).toHaveLength(2);
    const window = dayWindow(readings, 'temperature');
    expect(window.points).toEqual([{ room: 'living-room', time: time.getTime() / 1000, value: 19.5 }]);
    expect(window.to - window.from).toBe(24 * 3600);
    expect(window.to).toBe(Date.parse('2026-02-01T00:00:00Z') / 1000);
  });

  it('reads daily means, and energy as the day’s total', () => {
    const summary = {
      room: 'kitchen',
      date: '2026-01-05',
      hoursInDay: 24,
      validHours: 24,
      count: 24,
      mean: 0.4,
      min: 0.1,
      max: 0.9,
      sum: 9.6,
    };
    const document = LAYOUT.summaryDocument('energy', '2026-01');
    const store = roundTrip(
      summaryQuads({ ...summary, property: 'energy' }, LAYOUT, 'Europe/London'),
      document,
    );
    expect(parseSummaries(store, 'energy')).toEqual([
      { date: '2026-01-05', room: 'kitchen', time: Date.parse('2026-01-05T12:00:00Z') / 1000, value: 9.6 },
    ]);
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });

  it('aligns rooms on one time axis with gaps as null, and sums up each room', () => {
    const points = [
      { room: 'kitchen', time: 10, value: 1 },
      { room: 'bathroom', time: 20, value: 3 },
      { room: 'kitchen', time: 20, value: 2 },
    ];
    expect(alignByRoom(points)).toEqual({
      rooms: ['bathroom', 'kitchen'],
      times: [10, 20],
      values: [
        [null, 3],
        [1, 2],
      ],
    });
    expect(roomRange(points, 'kitchen')).toEqual({ min: 1, max: 2, mean: 1.5 });
    expect(roomRange(points, 'outdoor')).toBeNull();
  });
});
