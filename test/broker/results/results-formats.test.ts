// Results as CSV and as an RDF Data Cube: suppressed cells carry no figures, Turtle and JSON-LD say the same.
import jsonld from 'jsonld';
import { Parser, termToId, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { resultsCsv } from '../../../src/broker/results/results-csv.ts';
import { resultsCubeQuads } from '../../../src/broker/results/results-cube.ts';
import type { ResultsDocument } from '../../../src/broker/contract.ts';
import { cubeJsonLd, cubeTurtle } from '../../../src/broker/results/results-rdf.ts';
import { TERMS } from '../../../src/vocab/index.ts';
import { RELEASED_CO2_BANDS } from './banded-cell.ts';

const DOCUMENT = 'https://broker.example/api/requests/r1/results?run=u1';
const context = {
  documentIri: DOCUMENT,
  requestIri: 'https://broker.example/api/requests/r1',
  brokerWebId: 'https://pods.example/broker/profile/card#me',
  startedAt: new Date('2026-02-03T09:00:00Z'),
};

/** Results of a run split by dwelling type, with one released and one suppressed cell. */
const split: ResultsDocument = {
  request: 'r1',
  run: 'u1',
  runAt: '2026-02-03T09:01:00.000Z',
  k: 10,
  epsilon: 0.5,
  homes: null,
  cells: [
    {
      area: 'E05018412',
      dwellingType: 'Flat',
      period: '2026-W03',
      metric: 'temperature.mean',
      homes: 15,
      mean: 18.4,
      median: null,
      suppressed: false,
      leftOut: { lowCoverage: 0, sensorFault: 15 },
    },
    {
      area: 'E05018412',
      dwellingType: 'Detached',
      period: '2026-W03',
      metric: 'temperature.mean',
      homes: null,
      mean: null,
      median: null,
      suppressed: true,
      leftOut: { lowCoverage: null, sensorFault: null },
    },
  ],
};

describe('results formats', () => {
  it('writes CSV with a dwelling type column only when split, and empty figures for suppressed cells', () => {
    expect(resultsCsv(split)).toBe(
      'area,dwelling_type,period,metric,homes,mean,median,suppressed,left_out_low_coverage,left_out_sensor_fault\r\n' +
        'E05018412,Flat,2026-W03,temperature.mean,15,18.4,,false,0,15\r\n' +
        'E05018412,Detached,2026-W03,temperature.mean,,,,true,,\r\n',
    );
    const plain = { ...split, cells: split.cells.map(({ dwellingType: _dwelling, ...cell }) => cell) };
    expect(resultsCsv(plain).split('\r\n')[0]).toBe(
      'area,period,metric,homes,mean,median,suppressed,left_out_low_coverage,left_out_sensor_fault',
    );
  });

  it('writes a banded cell’s bands in one CSV column, withheld bands named, and leaves it out of the Data Cube', () => {
    const banded: ResultsDocument = {
      ...split,
      cells: [
        split.cells[0]!,
        {
          area: 'E05018412',
          period: '2026-W03',
          metric: 'co2.night.band',
          homes: 40,
          mean: null,
          median: null,
          bands: RELEASED_CO2_BANDS,
          suppressed: false,
          leftOut: { lowCoverage: 0, sensorFault: 0 },
        },
      ],
    };
    const lines = resultsCsv(banded).split('\r\n');
    expect(lines[0]).toContain(',median,bands,suppressed,');
    expect(lines[1]).toBe('E05018412,Flat,2026-W03,temperature.mean,15,18.4,,,false,0,15');
    expect(lines[2]).toBe(
      'E05018412,,2026-W03,co2.night.band,40,,,below 800 ppm: 10; 800–1000 ppm: withheld; ' +
        '1000–1500 ppm: withheld; above 1500 ppm: 10,false,0,0',
    );
    const quads = resultsCubeQuads(banded, context);
    expect(quads.filter((quad) => quad.subject.value === `${DOCUMENT}#cell-2`)).toEqual([]);
    expect(
      quads.find(
        (quad) => quad.subject.value === `${DOCUMENT}#dataset` && quad.predicate.equals(TERMS.rdfs.comment),
      )?.object.value,
    ).toContain('banded');
  });

  it('builds a Data Cube whose suppressed cell stands beside the data set with dimensions but no measures, with run provenance', () => {
    const quads = resultsCubeQuads(split, context);
    const about = (fragment: string) =>
      quads.filter((quad) => quad.subject.value === `${DOCUMENT}#${fragment}`);
    const released = about('cell-1').map((quad) => quad.predicate.value);
    const suppressed = about('cell-2').map((quad) => quad.predicate.value);
    expect(released).toEqual(expect.arrayContaining([TERMS.hd.cohortSize.value, TERMS.hd.cohortMean.value]));
    expect(released).not.toContain(TERMS.hd.cohortMedian.value);
    expect(
      about('cell-1')
        .filter((quad) => quad.predicate.equals(TERMS.hd.homesLeftOutSensorFault))
        .map((quad) => quad.object.value),
    ).toEqual(['15']);
    expect(suppressed).toEqual(
      expect.arrayContaining([
        TERMS.sdmxDimension.refArea.value,
        TERMS.hd.cohortDwellingType.value,
        TERMS.hd.suppressed.value,
      ]),
    );
    const measures = [TERMS.hd.cohortSize.value, TERMS.hd.cohortMean.value, TERMS.hd.cohortMedian.value];
    expect(suppressed.filter((predicate) => measures.includes(predicate))).toEqual([]);
    const types = (fragment: string) =>
      about(fragment)
        .filter((quad) => quad.predicate.equals(TERMS.rdf.type))
        .map((quad) => quad.object.value);
    expect(types('cell-1')).toEqual([TERMS.qb.Observation.value]);
    expect(types('cell-2')).toEqual([TERMS.hd.SuppressedCell.value]);
    expect(suppressed).not.toContain(TERMS.qb.dataSet.value);
    expect(suppressed).toContain(TERMS.hd.suppressedCellOf.value);
    const run = about('run');
    expect(run.find((quad) => quad.predicate.equals(TERMS.hd.epsilon))?.object.value).toBe('0.5');
    expect(run.find((quad) => quad.predicate.equals(TERMS.hd.homesCounted))).toBeUndefined();
    const period = about('cell-1').find((quad) => quad.predicate.equals(TERMS.sdmxDimension.refPeriod))!;
    expect(period.object.value).toBe('2026-W03');
    const dimensions = quads
      .filter((quad) => quad.predicate.equals(TERMS.qb.dimension))
      .map((quad) => quad.object.value);
    expect(dimensions).toContain(TERMS.hd.cohortDwellingType.value);
  });

  it('says the same in Turtle and in JSON-LD', async () => {
    const quads = resultsCubeQuads(split, context);
    const fromTurtle = new Parser({ baseIRI: DOCUMENT }).parse(cubeTurtle(quads, DOCUMENT));
    expect(fromTurtle).toHaveLength(quads.length);
    // Read back by jsonld itself: the same triples and datatypes. The document keeps each literal's lexical form
    // ("18.4"), but jsonld's reader writes doubles canonically (1.84E1): compare doubles as numbers.
    const document = JSON.parse(await cubeJsonLd(quads, DOCUMENT)) as object;
    const nquads: unknown = await jsonld.toRDF(document, { format: 'application/n-quads', base: DOCUMENT });
    const fromJsonLd = new Parser({ format: 'N-Quads' }).parse(String(nquads));
    expect(fromJsonLd).toHaveLength(quads.length);
    const objectKey = (object: Quad['object']) =>
      object.termType === 'Literal' && object.datatype.equals(TERMS.xsd.double)
        ? `${Number(object.value)} double`
        : termToId(object);
    const key = (quad: Quad) => `${quad.subject.value} ${quad.predicate.value} ${objectKey(quad.object)}`;
    const written = new Set(fromJsonLd.map(key));
    expect(quads.filter((quad) => !written.has(key(quad))).map(key)).toEqual([]);
  });
});
