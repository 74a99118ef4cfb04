// Daily summaries against hd:DailySummaryShape, hd:IntervalShape and hd:InstantShape.
import { describe, expect, it } from 'vitest';
import { assertValid, validateAgainstShapes } from '../../src/vocab/index.ts';
import { edit, SUMMARY, SUMMARY_BASE } from './documents.ts';

const options = { baseIRI: SUMMARY_BASE };

/** The property names of a document's failures. */
async function failedPaths(turtle: string): Promise<string[]> {
  const report = await validateAgainstShapes(turtle, options);
  return report.results.map((result) => result.path ?? '');
}

describe('daily summary shape', () => {
  it('accepts a 23-hour daylight-saving day', async () => {
    const report = await validateAgainstShapes(SUMMARY, options);
    expect(report.results).toEqual([]);
  });

  it('accepts a summary with only the required figures', async () => {
    const optional =
      /^ {2}hd:(hoursBelow18|hoursBelow16|daytimeHours|daytimeMean|nightHours|nightHoursAbove26) .*\n/gm;
    const bare = edit(
      SUMMARY.replace(optional, ''),
      'hd:max "21.2"^^xsd:double ;',
      'hd:max "21.2"^^xsd:double .',
    );
    expect(bare).not.toMatch(/hd:(hoursBelow|daytime|night)/);
    expect((await validateAgainstShapes(bare, options)).results).toEqual([]);
  });

  it('rejects a day length outside 23–25 hours', async () => {
    expect(await failedPaths(edit(SUMMARY, 'hd:hoursInDay 23', 'hd:hoursInDay 22'))).toEqual([
      'hd:hoursInDay',
    ]);
  });

  it('rejects more valid hours than a day can have', async () => {
    expect(await failedPaths(edit(SUMMARY, 'hd:validHours 23', 'hd:validHours 26'))).toEqual([
      'hd:validHours',
    ]);
  });

  it('rejects a negative hour counter', async () => {
    expect(await failedPaths(edit(SUMMARY, 'hd:hoursBelow16 1', 'hd:hoursBelow16 -1'))).toEqual([
      'hd:hoursBelow16',
    ]);
  });

  it('rejects a counter written as a decimal', async () => {
    expect(await failedPaths(edit(SUMMARY, 'hd:hoursBelow18 9', 'hd:hoursBelow18 9.5'))).toEqual([
      'hd:hoursBelow18',
    ]);
  });

  it('rejects a mean that is not an xsd:double', async () => {
    expect(await failedPaths(edit(SUMMARY, 'hd:mean "18.4"^^xsd:double', 'hd:mean "warm"'))).toEqual([
      'hd:mean',
    ]);
  });

  it('rejects a summary without its local date', async () => {
    const undated = edit(SUMMARY, '  hd:localDate "2024-03-31"^^xsd:date ;\n', '');
    await expect(assertValid(undated, options)).rejects.toThrow(/hd:localDate: /);
  });

  it('rejects a summary without a reading count', async () => {
    expect(await failedPaths(edit(SUMMARY, '  hd:readingCount 276 ;\n', ''))).toEqual(['hd:readingCount']);
  });

  it('rejects an adfFailed flag other than 0 or 1', async () => {
    const flagged = edit(
      SUMMARY,
      '  hd:nightHoursAbove26 0 .',
      '  hd:nightHoursAbove26 0 ;\n  hd:adfFailed 2 .',
    );
    expect(await failedPaths(flagged)).toEqual(['hd:adfFailed']);
  });

  it('rejects a phenomenon time written as a blank node', async () => {
    const blank = edit(
      edit(SUMMARY, 'sosa:phenomenonTime <#living-room-2024-03-31-day>', 'sosa:phenomenonTime _:day'),
      '<#living-room-2024-03-31-day> a time:Interval',
      '_:day a time:Interval',
    );
    expect(await failedPaths(blank)).toEqual(['sosa:phenomenonTime']);
  });

  it('rejects an interval whose end has no offset', async () => {
    const local = edit(
      SUMMARY,
      '"2024-04-01T00:00:00+01:00"^^xsd:dateTimeStamp',
      '"2024-04-01T00:00:00"^^xsd:dateTimeStamp',
    );
    expect(await failedPaths(local)).toEqual(['time:inXSDDateTimeStamp']);
  });

  it('rejects an interval without an end', async () => {
    expect(await failedPaths(edit(SUMMARY, '  time:hasEnd <#2024-04-01-start> .', '.'))).toEqual([
      'time:hasEnd',
    ]);
  });

  it('rejects a summary not also typed sosa:Observation', async () => {
    const onlySummary = edit(SUMMARY, 'a sosa:Observation, hd:DailySummary ;', 'a hd:DailySummary ;');
    expect(await failedPaths(onlySummary)).toEqual(['rdf:type']);
  });
});
