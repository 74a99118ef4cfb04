// Serialises a results cube: Turtle with n3, JSON-LD with jsonld (the reference JSON-LD processor).
import { Writer, type Quad } from 'n3';
import { PREFIXES, serializeTurtle } from '../../vocab/index.ts';

/** The cube as Turtle, IRIs in the document written relative to it. */
export function cubeTurtle(quads: readonly Quad[], documentIri: string): string {
  return serializeTurtle(quads, { baseIRI: documentIri });
}

/** The project prefixes some IRI of the quads starts with: the context names only what the document uses. */
function usedPrefixes(quads: readonly Quad[]): Record<string, string> {
  const iris = new Set<string>();
  for (const quad of quads) {
    for (const term of [quad.subject, quad.predicate, quad.object]) {
      iris.add(term.termType === 'Literal' ? term.datatype.value : term.value);
    }
  }
  return Object.fromEntries(
    Object.entries(PREFIXES).filter(([, base]) => [...iris].some((iri) => iri.startsWith(base))),
  );
}

/**
 * The cube as JSON-LD, compacted with the project's prefixes as its context and IRIs relative to the document.
 * The quads are the same the Turtle is written from; they go to jsonld as N-Quads, so literals keep their exact
 * lexical forms and datatypes. jsonld is loaded on the first such request: with the HTTP client it brings (undici)
 * it added ~9 MB of RSS to every broker process at start (docs/aggregation.md), most of which never serve JSON-LD.
 */
export async function cubeJsonLd(quads: readonly Quad[], documentIri: string): Promise<string> {
  const { default: jsonld } = await import('jsonld');
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString([...quads]);
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
  const compacted = await jsonld.compact(expanded, usedPrefixes(quads), { base: documentIri });
  return JSON.stringify(compacted, null, 2);
}
