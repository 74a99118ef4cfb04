// The published vocabulary files: they parse, follow the shape conventions and agree with the terms the code uses.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataFactory, type Store } from 'n3';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../../src/metrics/types.ts';
import {
  HD,
  loadShapes,
  OBSERVABLE_PROPERTY,
  parseTurtle,
  prefixedName,
  PROPERTY_UNIT,
  propertyOfIri,
  RDF,
  RDFS,
  SH,
  SUMMARY_FIGURES,
  TERMS,
  validateAgainstShapes,
} from '../../src/vocab/index.ts';

const { namedNode } = DataFactory;
const VOCAB_DIR = new URL('../../vocab/', import.meta.url);

/** Reads and parses one file of vocab/. */
function vocabFile(name: string): Store {
  const url = new URL(name, VOCAB_DIR);
  return parseTurtle(readFileSync(fileURLToPath(url), 'utf8'), {
    baseIRI: url.href,
    source: `vocab/${name}`,
  });
}

const homedata = vocabFile('homedata.ttl');
const shapes = loadShapes();

/** Objects of (subject, predicate) as IRI strings. */
function objects(store: Store, subject: string, predicate: string): string[] {
  return store.getObjects(namedNode(subject), namedNode(predicate), null).map((term) => term.value);
}

describe('vocab files', () => {
  it.each(readdirSync(VOCAB_DIR).filter((name) => name.endsWith('.ttl')))('%s parses as Turtle', (name) => {
    expect(vocabFile(name).size).toBeGreaterThan(0);
  });

  it('gives every hd term the code uses a label and a comment in homedata.ttl', () => {
    const undocumented = Object.values(TERMS.hd)
      .map((term) => term.value)
      .filter(
        (iri) =>
          !objects(homedata, iri, RDFS('label')).length || !objects(homedata, iri, RDFS('comment')).length,
      );
    expect(undocumented).toEqual([]);
  });

  it('defines every hd term that shapes.ttl mentions', () => {
    const mentioned = new Set<string>();
    for (const quad of shapes) {
      for (const term of [quad.subject, quad.predicate, quad.object]) {
        if (term.termType === 'NamedNode' && term.value.startsWith(HD.base)) mentioned.add(term.value);
      }
    }
    const shapeNames = new Set(
      shapes.getSubjects(namedNode(RDF('type')), namedNode(SH('NodeShape')), null).map((s) => s.value),
    );
    const undefinedTerms = [...mentioned].filter(
      (iri) => !shapeNames.has(iri) && homedata.countQuads(namedNode(iri), null, null, null) === 0,
    );
    expect(undefinedTerms).toEqual([]);
  });

  it('has a TERMS.hd constant for every term homedata.ttl defines', () => {
    const defined = homedata
      .getSubjects(null, null, null)
      .map((term) => term.value)
      .filter((iri) => iri.startsWith(HD.base));
    const known = new Set(Object.values(TERMS.hd).map((term) => term.value));
    expect(defined.filter((iri) => !known.has(iri))).toEqual([]);
  });

  it('maps each measured property to its observable property and the canonical unit homedata.ttl gives it', () => {
    for (const property of PROPERTIES) {
      const observable = OBSERVABLE_PROPERTY[property].value;
      expect(objects(homedata, observable, HD('canonicalUnit'))).toEqual([PROPERTY_UNIT[property].value]);
      expect(propertyOfIri(observable)).toBe(property);
    }
    expect(propertyOfIri(HD('Noise'))).toBeUndefined();
  });
});

describe('shapes.ttl', () => {
  const nodeShapes = shapes.getSubjects(namedNode(RDF('type')), namedNode(SH('NodeShape')), null);
  const targets = ['targetClass', 'targetNode', 'targetObjectsOf', 'targetSubjectsOf'].map((local) =>
    SH(local),
  );

  it('loads into the validator and, validated against itself, conforms', async () => {
    const report = await validateAgainstShapes(shapes);
    expect(report.results).toEqual([]);
  });

  it('uses only SHACL Core terms, so a misspelt constraint cannot be silently ignored', () => {
    // The SHACL Core vocabulary shapes.ttl uses; extend this list when a shape needs another Core term.
    const core = new Set(
      (
        'NodeShape IRI Literal BlankNode BlankNodeOrIRI targetClass targetNode targetObjectsOf targetSubjectsOf ' +
        'property path inversePath name message minCount maxCount datatype nodeKind class in hasValue pattern ' +
        'minInclusive maxInclusive minLength or and not qualifiedValueShape qualifiedMinCount'
      )
        .split(' ')
        .map((local) => SH(local)),
    );
    const unknown = new Set<string>();
    for (const quad of shapes) {
      for (const term of [quad.predicate, quad.object]) {
        if (term.termType === 'NamedNode' && term.value.startsWith(SH.base) && !core.has(term.value))
          unknown.add(term.value);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('gives every node shape a target, so none is silently unused', () => {
    const untargeted = nodeShapes.filter((shape) =>
      targets.every((target) => !objects(shapes, shape.value, target).length),
    );
    expect(untargeted.map((shape) => shape.value)).toEqual([]);
  });

  it('gives every property shape an sh:name and an sh:message, so failures name the property', () => {
    const propertyShapes = nodeShapes.flatMap((shape) =>
      shapes.getObjects(shape, namedNode(SH('property')), null),
    );
    expect(propertyShapes.length).toBeGreaterThan(40);
    const unnamed = propertyShapes.filter(
      (shape) =>
        !shapes.getObjects(shape, namedNode(SH('name')), null).length ||
        !shapes.getObjects(shape, namedNode(SH('message')), null).length,
    );
    expect(unnamed).toEqual([]);
  });

  it('names each property shape after its path', () => {
    const mismatched: string[] = [];
    for (const shape of nodeShapes.flatMap((node) =>
      shapes.getObjects(node, namedNode(SH('property')), null),
    )) {
      const path = shapes.getObjects(shape, namedNode(SH('path')), null)[0];
      const name = shapes.getObjects(shape, namedNode(SH('name')), null)[0]?.value;
      if (path?.termType === 'NamedNode' && prefixedName(path.value) !== name)
        mismatched.push(`${name} ≠ ${path.value}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('checks every DailySummary figure with the datatype the code writes it in', () => {
    const summaryProperties = shapes.getObjects(
      namedNode(HD('DailySummaryShape')),
      namedNode(SH('property')),
      null,
    );
    for (const [figure, { predicate, datatype }] of Object.entries(SUMMARY_FIGURES)) {
      const shape = summaryProperties.find((candidate) =>
        shapes.has(DataFactory.quad(candidate as never, namedNode(SH('path')), predicate)),
      );
      expect(shape, `no property shape for ${figure}`).toBeDefined();
      expect(
        shapes.getObjects(shape ?? null, namedNode(SH('datatype')), null).map((term) => term.value),
      ).toEqual([datatype.value]);
    }
  });
});
