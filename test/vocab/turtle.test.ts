// Turtle in and out: parse errors name their line, output declares only the prefixes it uses.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import {
  parseTurtle,
  prefixedName,
  serializeTriples,
  serializeTurtle,
  TERMS,
} from '../../src/vocab/index.ts';

const { namedNode, literal, quad } = DataFactory;
const BASE = 'https://alice.pods.example/homedata/readings/2024/01/15/09.ttl';

const reading = namedNode(`${BASE}#r1`);
const quads = [
  quad(reading, TERMS.rdf.type, TERMS.sosa.Observation),
  quad(reading, TERMS.sosa.resultTime, literal('2024-01-15T09:00:00Z', TERMS.xsd.dateTime)),
  quad(reading, TERMS.rdfs.label, literal('living room reading')),
];

describe('parseTurtle', () => {
  it('resolves relative IRIs against the base IRI', () => {
    const store = parseTurtle('<#r1> a <http://www.w3.org/ns/sosa/Observation> .', { baseIRI: BASE });
    expect(store.getSubjects(TERMS.rdf.type, TERMS.sosa.Observation, null).map((term) => term.value)).toEqual(
      [`${BASE}#r1`],
    );
  });

  it('turns a syntax error into a ValidationError naming the source and line', () => {
    const broken =
      '@prefix sosa: <http://www.w3.org/ns/sosa/> .\n<#a> a sosa:Observation .\n<#b> sosa:resultTime .\n';
    const error = (() => {
      try {
        parseTurtle(broken, { baseIRI: BASE, source: 'reading batch' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/^Invalid Turtle in reading batch: .* on line 3\.$/);
    expect((error as ValidationError).context).toMatchObject({ line: 3, source: 'reading batch' });
  });

  it('refuses N3-only syntax', () => {
    expect(() => parseTurtle('{ <a> <b> <c> } => { <a> <b> <d> } .', { baseIRI: BASE })).toThrow(
      ValidationError,
    );
  });
});

describe('serializeTurtle', () => {
  it('declares only the prefixes its quads use', () => {
    const turtle = serializeTurtle(quads);
    expect(turtle).toContain('@prefix sosa: <http://www.w3.org/ns/sosa/>.');
    expect(turtle).toContain('@prefix xsd: <http://www.w3.org/2001/XMLSchema#>.');
    expect(turtle).toContain('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>.');
    // rdf:type is written as `a` and plain strings carry no datatype: neither needs a prefix.
    expect(turtle).not.toContain('@prefix rdf:');
    expect(turtle).not.toContain('@prefix odrl:');
  });

  it('writes IRIs relative to the base IRI when given one, and reads back to the same quads', () => {
    const turtle = serializeTurtle(quads, { baseIRI: BASE });
    expect(turtle).toContain('<#r1> a sosa:Observation');
    const back = parseTurtle(turtle, { baseIRI: BASE });
    expect(back.size).toBe(quads.length);
    for (const original of quads) expect(back.has(original)).toBe(true);
  });
});

describe('serializeTriples', () => {
  it('writes one full-IRI statement per line, for N3 Patch bodies', () => {
    const lines = serializeTriples(quads).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `<${BASE}#r1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/sosa/Observation> .`,
    );
  });
});

describe('prefixedName', () => {
  it('shortens IRIs under a known prefix', () => {
    expect(prefixedName(TERMS.sosa.resultTime.value)).toBe('sosa:resultTime');
    expect(prefixedName(TERMS.unit['MicroGM-PER-M3'].value)).toBe('unit:MicroGM-PER-M3');
  });

  it('keeps other IRIs whole', () => {
    expect(prefixedName('https://example.org/x')).toBe('<https://example.org/x>');
    expect(prefixedName(`${TERMS.hd.room.value}/odd`)).toBe(`<${TERMS.hd.room.value}/odd>`);
  });
});
