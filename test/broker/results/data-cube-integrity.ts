// The W3C RDF Data Cube's well-formedness checks (https://www.w3.org/TR/vocab-data-cube/#wf): the normalization
// algorithm, then integrity constraints IC-1 … IC-21, each a traversal of an n3 Store that follows the spec's SPARQL
// ASK query pattern by pattern. No SPARQL engine: Comunica cannot live in this node_modules (it breaks CSS start-up,
// docs/notes.md) and rdflib's SPARQL (checked, not a dependency) has no FILTER NOT EXISTS or property paths, which most of these queries use.
import { DataFactory, Store, type Quad, type Term } from 'n3';
import { TERMS } from '../../../src/vocab/index.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, rdfs, qb, xsd } = TERMS;
const QB = 'http://purl.org/linked-data/cube#';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';
const q = (local: string) => namedNode(`${QB}${local}`);
const skos = (local: string) => namedNode(`${SKOS}${local}`);
const TRUE = literal('true', xsd.boolean);
const FALSE = literal('false', xsd.boolean);

/** A constraint the cube breaks, with the nodes that break it. */
export interface Violation {
  ic: string;
  title: string;
  nodes: string[];
}

/** The spec's normalization algorithm (phase 1: type and property closure; phase 2: push down attachment levels). */
export function normalize(quads: readonly Quad[]): Store {
  const store = new Store([...quads]);
  const add = (s: Term, p: Term, o: Term) => store.addQuad(quad(s as never, p as never, o as never));
  // Phase 1.
  for (const o of store.getObjects(null, q('observation'), null)) add(o, rdf.type, qb.Observation);
  for (const o of store.getSubjects(qb.dataSet, null, null)) add(o, rdf.type, qb.Observation);
  for (const s of store.getObjects(null, q('slice'), null)) add(s, rdf.type, q('Slice'));
  for (const [link, type] of [
    [qb.dimension, qb.DimensionProperty],
    [qb.measure, qb.MeasureProperty],
    [qb.attribute, qb.AttributeProperty],
  ] as const) {
    for (const cs of store.getQuads(null, link, null, null)) {
      add(cs.subject, q('componentProperty'), cs.object);
      add(cs.object, rdf.type, type);
    }
  }
  // Phase 2: attributes attached at data set, slice or measure level are pushed down to the observations.
  for (const spec of store.getSubjects(q('componentAttachment'), null, null)) {
    const level = store.getObjects(spec, q('componentAttachment'), null)[0]!;
    for (const property of store.getObjects(spec, q('componentProperty'), null)) {
      for (const dsd of store.getSubjects(qb.component, spec, null)) {
        for (const dataset of store.getSubjects(qb.structure, dsd, null)) {
          if (level.equals(qb.DataSet)) {
            for (const value of store.getObjects(dataset, property, null)) {
              for (const obs of store.getSubjects(qb.dataSet, dataset, null)) add(obs, property, value);
            }
          }
          if (level.equals(q('Slice'))) {
            for (const slice of store.getObjects(dataset, q('slice'), null)) {
              for (const value of store.getObjects(slice, property, null)) {
                for (const obs of store.getObjects(slice, q('observation'), null)) add(obs, property, value);
              }
            }
          }
          if (level.equals(qb.MeasureProperty)) {
            for (const obs of store.getSubjects(qb.dataSet, dataset, null)) {
              for (const measure of store.getObjects(obs, qb.measureType, null)) {
                for (const value of store.getObjects(measure, property, null)) add(obs, property, value);
              }
            }
          }
        }
      }
    }
  }
  return store;
}

/** Runs every integrity constraint on a normalized cube; an empty list means the cube is well-formed. */
export function checkIntegrity(store: Store): Violation[] {
  const violations: Violation[] = [];
  const report = (ic: string, title: string, nodes: Term[]) => {
    if (nodes.length > 0) violations.push({ ic, title, nodes: [...new Set(nodes.map((n) => n.value))] });
  };
  const typed = (type: Term) => store.getSubjects(rdf.type, type, null);
  const objects = (s: Term, p: Term) => store.getObjects(s as never, p as never, null);
  const has = (s: Term, p: Term, o?: Term) =>
    store.getQuads(s as never, p as never, (o ?? null) as never, null).length > 0;
  const componentsOf = (dsd: Term) => objects(dsd, qb.component);
  const propertiesOf = (dsd: Term) => componentsOf(dsd).flatMap((cs) => objects(cs, q('componentProperty')));
  const dsdOf = (obs: Term) => objects(obs, qb.dataSet).flatMap((ds) => objects(ds, qb.structure));
  const observations = typed(qb.Observation);
  const isType = (node: Term, type: Term) => has(node, rdf.type, type);

  // IC-1 Unique DataSet: every qb:Observation has exactly one associated qb:DataSet.
  report(
    'IC-1',
    'Unique DataSet',
    observations.filter((obs) => objects(obs, qb.dataSet).length !== 1),
  );
  // IC-2 Unique DSD: every qb:DataSet has exactly one associated qb:DataStructureDefinition.
  report(
    'IC-2',
    'Unique DSD',
    typed(qb.DataSet).filter((ds) => objects(ds, qb.structure).length !== 1),
  );
  // IC-3 DSD includes measure.
  report(
    'IC-3',
    'DSD includes measure',
    typed(qb.DataStructureDefinition).filter(
      (dsd) => !propertiesOf(dsd).some((p) => isType(p, qb.MeasureProperty)),
    ),
  );
  // IC-4 Dimensions have range.
  report(
    'IC-4',
    'Dimensions have range',
    typed(qb.DimensionProperty).filter((dim) => !has(dim, rdfs.range)),
  );
  // IC-5 Concept dimensions have code lists.
  report(
    'IC-5',
    'Concept dimensions have code lists',
    typed(qb.DimensionProperty).filter(
      (dim) => has(dim, rdfs.range, skos('Concept')) && !has(dim, q('codeList')),
    ),
  );
  // IC-6 Only attributes may be optional.
  report(
    'IC-6',
    'Only attributes may be optional',
    typed(qb.DataStructureDefinition).flatMap((dsd) =>
      componentsOf(dsd).filter(
        (cs) =>
          has(cs, q('componentRequired'), FALSE) &&
          objects(cs, q('componentProperty')).some((p) => !isType(p, qb.AttributeProperty)),
      ),
    ),
  );
  // IC-7 Slice Keys must be declared.
  report(
    'IC-7',
    'Slice Keys must be declared',
    typed(q('SliceKey')).filter(
      (key) => !typed(qb.DataStructureDefinition).some((dsd) => has(dsd, q('sliceKey'), key)),
    ),
  );
  // IC-8 Slice Keys consistent with DSD.
  report(
    'IC-8',
    'Slice Keys consistent with DSD',
    typed(q('SliceKey')).filter((key) =>
      store
        .getSubjects(q('sliceKey'), key, null)
        .some((dsd) =>
          objects(key, q('componentProperty')).some(
            (prop) => !componentsOf(dsd).some((cs) => has(cs, q('componentProperty'), prop)),
          ),
        ),
    ),
  );
  // IC-9 Unique slice structure.
  report(
    'IC-9',
    'Unique slice structure',
    typed(q('Slice')).filter((s) => objects(s, q('sliceStructure')).length !== 1),
  );
  // IC-10 Slice dimensions complete.
  report(
    'IC-10',
    'Slice dimensions complete',
    typed(q('Slice')).filter((slice) =>
      objects(slice, q('sliceStructure')).some((key) =>
        objects(key, q('componentProperty')).some((dim) => !has(slice, dim)),
      ),
    ),
  );
  // IC-11 All dimensions required.
  const dimensionsOf = (dsd: Term) => propertiesOf(dsd).filter((p) => isType(p, qb.DimensionProperty));
  report(
    'IC-11',
    'All dimensions required',
    observations.filter((obs) => dsdOf(obs).some((dsd) => dimensionsOf(dsd).some((dim) => !has(obs, dim)))),
  );
  // IC-12 No duplicate observations: two observations of one data set agreeing on every dimension.
  const duplicates: Term[] = [];
  for (const dataset of typed(qb.DataSet)) {
    const dims = objects(dataset, qb.structure).flatMap(dimensionsOf);
    const seen = new Map<string, Term>();
    for (const obs of store.getSubjects(qb.dataSet, dataset, null)) {
      const key = JSON.stringify(
        dims.map((dim) =>
          objects(obs, dim)
            .map((v) => v.id ?? v.value)
            .sort(),
        ),
      );
      if (seen.has(key)) duplicates.push(obs, seen.get(key)!);
      seen.set(key, obs);
    }
  }
  report('IC-12', 'No duplicate observations', duplicates);
  // IC-13 Required attributes.
  report(
    'IC-13',
    'Required attributes',
    observations.filter((obs) =>
      dsdOf(obs).some((dsd) =>
        componentsOf(dsd).some(
          (cs) =>
            has(cs, q('componentRequired'), TRUE) &&
            objects(cs, q('componentProperty')).some(
              (attr) => isType(attr, qb.AttributeProperty) && !has(obs, attr),
            ),
        ),
      ),
    ),
  );
  // IC-14 All measures present (in a structure without a measure dimension).
  const measuresOf = (dsd: Term) => propertiesOf(dsd).filter((p) => isType(p, qb.MeasureProperty));
  report(
    'IC-14',
    'All measures present',
    observations.filter((obs) =>
      dsdOf(obs).some(
        (dsd) =>
          !propertiesOf(dsd).some((p) => p.equals(qb.measureType)) &&
          measuresOf(dsd).some((m) => !has(obs, m)),
      ),
    ),
  );
  // IC-15 Measure dimension consistent: the measure named by qb:measureType has a value.
  const withMeasureDimension = observations.filter((obs) =>
    dsdOf(obs).some((dsd) => propertiesOf(dsd).some((p) => p.equals(qb.measureType))),
  );
  report(
    'IC-15',
    'Measure dimension consistent',
    withMeasureDimension.filter((obs) => objects(obs, qb.measureType).some((measure) => !has(obs, measure))),
  );
  // IC-16 Single measure on measure dimension observation.
  report(
    'IC-16',
    'Single measure on measure dimension observation',
    withMeasureDimension.filter((obs) =>
      dsdOf(obs).some((dsd) =>
        measuresOf(dsd).some((other) => !has(obs, qb.measureType, other) && has(obs, other)),
      ),
    ),
  );
  // IC-17 All measures present in measures dimension cube.
  report(
    'IC-17',
    'All measures present in measures dimension cube',
    withMeasureDimension.filter((obs) =>
      dsdOf(obs).some((dsd) => {
        const others = dimensionsOf(dsd).filter((dim) => !dim.equals(qb.measureType));
        const siblings = objects(obs, qb.dataSet)
          .flatMap((ds) => store.getSubjects(qb.dataSet, ds, null))
          .filter((o) => others.every((dim) => objects(o, dim).every((v) => has(obs, dim, v))));
        return siblings.length !== measuresOf(dsd).length;
      }),
    ),
  );
  // IC-18 Consistent data set links: an observation in a slice of a data set belongs to that data set.
  report(
    'IC-18',
    'Consistent data set links',
    typed(qb.DataSet).flatMap((ds) =>
      objects(ds, q('slice')).flatMap((slice) =>
        objects(slice, q('observation')).filter((obs) => !has(obs, qb.dataSet, ds)),
      ),
    ),
  );
  // IC-19 Codes from code list: a coded dimension's values are in its concept scheme or collection.
  report(
    'IC-19',
    'Codes from code list',
    observations.filter((obs) =>
      dsdOf(obs).some((dsd) =>
        dimensionsOf(dsd).some((dim) =>
          objects(dim, q('codeList')).some((list) =>
            objects(obs, dim).some((value) =>
              isType(list, skos('ConceptScheme'))
                ? !(isType(value, skos('Concept')) && has(value, skos('inScheme'), list))
                : isType(list, skos('Collection')) &&
                  !(isType(value, skos('Concept')) && has(list, skos('member'), value)),
            ),
          ),
        ),
      ),
    ),
  );
  // IC-20 and IC-21 Codes from hierarchy (and inverse): apply only to qb:HierarchicalCodeList code lists. Reaching a
  // value from qb:hierarchyRoot through the list's qb:parentChildProperty is checked one step deep, as no code list
  // in homedata's cubes is hierarchical; a deeper one would need the property path closure.
  report(
    'IC-20/21',
    'Codes from hierarchy',
    observations.filter((obs) =>
      dsdOf(obs).some((dsd) =>
        dimensionsOf(dsd).some((dim) =>
          objects(dim, q('codeList'))
            .filter((list) => isType(list, q('HierarchicalCodeList')))
            .some((list) =>
              objects(obs, dim).some(
                (value) =>
                  !objects(list, q('hierarchyRoot')).some(
                    (root) =>
                      root.equals(value) ||
                      objects(list, q('parentChildProperty')).some(
                        (pcp) => has(root, pcp, value) || has(value, pcp, root),
                      ),
                  ),
              ),
            ),
        ),
      ),
    ),
  );
  return violations;
}
