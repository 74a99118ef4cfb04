// Metrics, purposes and dates in the plain words the pages use.
import { describe, expect, it } from 'vitest';
import { formatDate, formatPeriod, formatUntil } from '../../src/web/shared/dates.ts';
import {
  formatFigure,
  joinWords,
  metricName,
  propertiesRead,
  summariesPhrase,
} from '../../src/web/shared/metric-words.ts';
import { purposeLabel, purposeWords } from '../../src/web/shared/purpose-words.ts';
import { METRIC_IDS } from '../../src/metrics/catalogue.ts';

describe('plain words', () => {
  it('names every catalogue metric', () => {
    for (const id of METRIC_IDS) expect(metricName(id)).not.toBe(id);
    expect(metricName('unknown.metric')).toBe('unknown.metric');
  });

  it('names the summaries a set of metrics reads, each property once', () => {
    const properties = propertiesRead(['damp.rh70.hours', 'damp.surfaceRh.mean', 'cold.below18.hours']);
    expect(properties).toEqual(['humidity', 'temperature']);
    expect(summariesPhrase(properties)).toBe('daily summaries of humidity and temperature');
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('shows figures with units, shares and flags as percentages, and suppressed values as a dash', () => {
    expect(formatFigure('damp.rh70.hours', 140.25)).toBe('140.3 h');
    expect(formatFigure('temperature.mean', 18.04)).toBe('18 °C');
    expect(formatFigure('cold.below16.share', 0.256)).toBe('26 %');
    expect(formatFigure('temperature.mean', null)).toBe('—');
  });

  it('says DPV purposes in words, and unknown ones from their name', () => {
    expect(purposeWords('https://w3id.org/dpv#ImprovePublicServices')).toBe('improve public services');
    expect(purposeWords('https://w3id.org/dpv#ResearchAndDevelopment')).toBe('research and development');
    expect(purposeLabel('https://w3id.org/dpv#PublicPolicyMaking')).toBe('Make public policy');
  });

  it('reads calendar dates as dates and a midnight deadline as the end of the day before', () => {
    expect(formatDate('2026-01-31')).toBe('31 January 2026');
    expect(formatPeriod({ from: '2026-01-01', to: '2026-01-31' })).toBe('1 January 2026 to 31 January 2026');
    expect(formatUntil('2027-07-01T00:00:00.000Z')).toBe('the end of 30 June 2027');
    expect(formatUntil('2027-07-01T09:30:00.000Z')).toBe('1 July 2027 at 09:30 (UTC)');
  });
});
