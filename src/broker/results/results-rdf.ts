// Serialises a results cube: Turtle with n3, JSON-LD with rdflib.
import type { Quad } from 'n3';
import * as rdflib from 'rdflib';
import { PREFIXES, serializeTurtle, TERMS } from '../../vocab/index.ts';

/** The cube as Turtle, IRIs in the document written relative to it. */
export function cubeTurtle(quads: readonly Quad[], documentIri: string): string {
  return serializeTurtle(quads, { baseIRI: documentIri });
}

/** An object term as the rdflib term of the same kind (the cube has only IRIs and literals, no blank nodes). */
function rdflibTerm(term: Quad['object']) {
  // rdflib spells booleans 1 and 0 and reads any other spelling, "true" included, as false when it writes JSON-LD.
  if (term.termType === 'Literal' && term.datatype.equals(TERMS.xsd.boolean)) {
    return rdflib.Literal.fromBoolean(term.value === 'true');
  }
  if (term.termType === 'Literal') {
    return term.language
      ? rdflib.literal(term.value, term.language)
      : rdflib.literal(term.value, rdflib.sym(term.datatype.value));
  }
  return rdflib.sym(term.value);
}

/**
 * The cube as JSON-LD, compacted with the project's prefixes as its context. rdflib does the JSON-LD work
 * (n3 writes no JSON-LD); the quads are the same the Turtle is written from.
 */
export function cubeJsonLd(quads: readonly Quad[], documentIri: string): string {
  const store = rdflib.graph();
  for (const [prefix, iri] of Object.entries(PREFIXES)) store.setPrefixForURI(prefix, iri);
  for (const quad of quads) {
    store.add(rdflib.sym(quad.subject.value), rdflib.sym(quad.predicate.value), rdflibTerm(quad.object));
  }
  return rdflib.serialize(null, store, documentIri, 'application/ld+json') ?? '';
}
