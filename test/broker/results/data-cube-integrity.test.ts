// A council's text/turtle results pass the W3C Data Cube integrity constraints IC-1 … IC-21 after the spec's
// normalization, checked by traversals of an n3 Store that follow each ASK query (data-cube-integrity.ts).
import { readFile } from 'node:fs/promises';
import { DataFactory, Parser, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { resultsCubeQuads } from '../../../src/broker/results/results-cube.ts';
import type { ResultCell, ResultsDocument } from '../../../src/broker/contract.ts';
import { cubeTurtle } from '../../../src/broker/results/results-rdf.ts';
import { HD } from '../../../src/vocab/namespaces.ts';
import { TERMS } from '../../../src/vocab/index.ts';
import { RELEASED_CO2_BANDS } from './banded-cell.ts';
import { checkIntegrity, normalize } from './data-cube-integrity.ts';

const { quad } = DataFactory;
const DOCUMENT = 'https://broker.example/api/requests/r1/results?run=u1';
const context = {
  documentIri: DOCUMENT,
  requestIri: 'https://broker.example/api/requests/r1',
  brokerWebId: 'https://pods.example/broker/profile/card#me',
  startedAt: new Date('2026-02-03T09:00:00Z'),
};

/** A cell: released with figures, or suppressed without. */
function cell(
  area: string,
  metric: string,
  figures: Partial<ResultCell> | 'suppressed',
  dwellingType?: string,
): ResultCell {
  const base = {
    area,
    period: '2026-01',
    metric,
    leftOut: { lowCoverage: 0, sensorFault: 0 },
    ...(dwellingType ? { dwellingType } : {}),
  };
  return figures === 'suppressed'
    ? { ...base, homes: null, mean: null, median: null, suppressed: true }
    : { ...base, homes: 15, mean: 71.5, median: 70, suppressed: false, ...figures };
}

/** A results document with the given cells. */
function results(cells: ResultCell[], epsilon: number | null = null): ResultsDocument {
  return { request: 'r1', run: 'u1', runAt: '2026-02-03T09:01:00.000Z', k: 10, epsilon, homes: 30, cells };
}

const CASES: Record<string, ResultsDocument> = {
  'plain, with a suppressed cell': results([
    cell('E05018412', 'damp.rh70.hours', {}),
    cell('E05018413', 'damp.rh70.hours', {}),
    cell('E05018414', 'damp.rh70.hours', 'suppressed'),
    cell('E05018412', 'temperature.mean', {}),
  ]),
  'split by dwelling type': results([
    cell('E05018412', 'temperature.mean', {}, 'Flat'),
    cell('E05018412', 'temperature.mean', 'suppressed', 'Detached'),
    cell('E05018413', 'temperature.mean', {}, 'Flat'),
  ]),
  'differential privacy (no medians)': results(
    [
      cell('E05018412', 'damp.rh70.hours', { median: null }),
      cell('E05018413', 'damp.rh70.hours', 'suppressed'),
    ],
    0.5,
  ),
  'every cell suppressed': results([cell('E05018412', 'damp.rh70.hours', 'suppressed')]),
  // A banded cell has no mean: as an observation beside mean cells it would break IC-14, so it stays out.
  'a banded metric beside a mean': results([
    cell('E05018412', 'temperature.mean', {}),
    cell('E05018412', 'co2.night.band', {
      mean: null,
      median: null,
      bands: RELEASED_CO2_BANDS,
    }),
  ]),
  // Left-out counts are withheld below k cell by cell: as optional attributes, not measures IC-14 would require.
  'left-out counts withheld in some cells': results([
    cell('E05018412', 'damp.rh70.hours', { leftOut: { lowCoverage: 5, sensorFault: null } }),
    cell('E05018413', 'damp.rh70.hours', { leftOut: { lowCoverage: null, sensorFault: 0 } }),
  ]),
};

/** The Turtle a council downloads, parsed back: what an RDF tool checks. */
function downloaded(document: ResultsDocument): Quad[] {
  return new Parser({ baseIRI: DOCUMENT }).parse(cubeTurtle(resultsCubeQuads(document, context), DOCUMENT));
}

describe('the results cube and the W3C Data Cube integrity constraints', () => {
  it.each(Object.entries(CASES))('passes IC-1 … IC-21: %s', (_name, document) => {
    expect(checkIntegrity(normalize(downloaded(document)))).toEqual([]);
  });

  it('finds what the cube broke before: dimensions without a range (IC-4), suppressed observations (IC-14)', () => {
    // The cube as it was written before: component properties undescribed, suppressed cells as observations of the
    // data set, the median declared under differential privacy.
    const { rdf, rdfs, qb, hd } = TERMS;
    const old = downloaded(CASES['plain, with a suppressed cell']!)
      .filter((q) => !q.predicate.equals(rdfs.range))
      .map((q) =>
        q.object.equals(hd.SuppressedCell)
          ? quad(q.subject, rdf.type, qb.Observation)
          : q.predicate.equals(hd.suppressedCellOf)
            ? quad(q.subject, qb.dataSet, q.object)
            : q,
      );
    const violations = checkIntegrity(normalize(old));
    expect(violations.map((violation) => violation.ic)).toEqual(['IC-4', 'IC-14']);
    expect(violations[1]!.nodes).toEqual([`${DOCUMENT}#cell-3`]);
  });

  it('publishes the same ranges as vocab/homedata.ttl', async () => {
    const vocab = new Parser().parse(
      await readFile(new URL('../../../vocab/homedata.ttl', import.meta.url), 'utf8'),
    );
    const cube = downloaded(CASES['split by dwelling type']!);
    const ranges = cube.filter(
      (q) => q.predicate.equals(TERMS.rdfs.range) && q.subject.value.startsWith(HD.base),
    );
    expect(ranges.length).toBeGreaterThanOrEqual(5);
    for (const range of ranges) {
      const declared = vocab.filter(
        (q) => q.subject.equals(range.subject) && q.predicate.equals(TERMS.rdfs.range),
      );
      expect(
        declared.map((q) => q.object.value),
        range.subject.value,
      ).toEqual([range.object.value]);
    }
  });
});
