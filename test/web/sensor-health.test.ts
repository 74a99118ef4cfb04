// The resident is told which sensor looks dead or stuck, for how long, from the quality figures in their summaries.
import { describe, expect, it } from 'vitest';
import { summaryQuads } from '../../src/pod/formats/daily-summary.ts';
import type { DailySummary } from '../../src/metrics/types.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { parseTurtle, serializeTurtle } from '../../src/vocab/index.ts';
import {
  parseDayHealth,
  stuckSensors,
  stuckSensorText,
  type DayHealth,
} from '../../src/web/resident/sensor-health.ts';

const layout = new PodLayout('https://alice.pods.example/');
const profile = { area: null, roomNames: { 'bedroom-1': 'Bedroom 1' } };

/** A day of the bedroom PM2.5 sensor: `stuck` hours stuck, its min and max. */
function day(date: string, hoursStuck: number, min = 0, max = 0): DayHealth {
  return { property: 'pm25', room: 'bedroom-1', date, hoursStuck, min, max };
}

describe('sensor health', () => {
  it('reads hours stuck back from the DQV measurements the gateway writes', () => {
    const summary: DailySummary = {
      property: 'pm25',
      room: 'bedroom-1',
      date: '2026-01-14',
      hoursInDay: 24,
      validHours: 0,
      count: 144,
      mean: 0,
      min: 0,
      max: 0,
      hoursStuck: 24,
    };
    const url = layout.summaryDocument('pm25', '2026-01');
    const store = parseTurtle(
      serializeTurtle(summaryQuads(summary, layout, 'Europe/London'), { baseIRI: url }),
      {
        baseIRI: url,
      },
    );
    expect(parseDayHealth(store, 'pm25')).toEqual([day('2026-01-14', 24)]);
  });

  it('says a sensor reporting 0 for a week has done so for 7 days (the first day held it before it was flagged)', () => {
    const week = [
      day('2026-01-12', 0),
      ...['13', '14', '15', '16', '17', '18'].map((d) => day(`2026-01-${d}`, 24)),
    ];
    const [sensor] = stuckSensors(week);
    expect(sensor).toEqual({ property: 'pm25', room: 'bedroom-1', value: 0, days: 7, until: '2026-01-18' });
    expect(stuckSensorText(sensor!, profile)).toMatch(
      /^Your fine particles \(PM2\.5\) sensor in Bedroom 1 has reported 0 µg\/m³ for 7 days\. It may be dead or stuck/,
    );
  });

  it('says nothing of a sensor that works again on its newest day, or never stuck', () => {
    expect(stuckSensors([day('2026-01-13', 24), day('2026-01-14', 0, 3, 40)])).toEqual([]);
    expect(stuckSensors([day('2026-01-13', 0, 2, 30)])).toEqual([]);
  });
});
