// Parses Turtle into n3 Stores and writes quads back as Turtle: the one place for RDF text in and out.
import type { Quad, Term } from '@rdfjs/types';
import { Parser, Store, Writer } from 'n3';
import { ValidationError } from '../errors.ts';
import { PREFIXES, RDF, XSD } from './namespaces.ts';

const RDF_TYPE = RDF('type');
const IMPLICIT_DATATYPES: ReadonlySet<string> = new Set([XSD('string'), RDF('langString')]);

/** Options for reading a Turtle document. */
export interface ParseOptions {
  /** IRI relative IRIs (`<#reading>`) resolve against: the document's own URL. */
  baseIRI?: string;
  /** What the text is, for the error message (a file name or `reading batch`); never a pod URL bound for a council. */
  source?: string;
}

/** Options for writing Turtle. */
export interface SerializeOptions {
  /** Prefixes to write with; only those the quads use are declared. Defaults to PREFIXES. */
  prefixes?: Readonly<Record<string, string>>;
  /** When given, IRIs under it are written relative (`<#reading>`), as a pod document stores them. */
  baseIRI?: string;
}

/** Parses Turtle text into a new Store; a syntax error becomes a ValidationError naming its line. */
export function parseTurtle(text: string, options: ParseOptions = {}): Store {
  const parser = new Parser({ format: 'text/turtle', baseIRI: options.baseIRI });
  const store = new Store();
  try {
    store.addQuads(parser.parse(text));
  } catch (error) {
    const line = lineOf(error);
    const where = options.source ? ` in ${options.source}` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`Invalid Turtle${where}: ${reason}`, { line, source: options.source });
  }
  return store;
}

/** The line number n3 attaches to its syntax errors (`error.context.line`), if any. */
function lineOf(error: unknown): number | undefined {
  const context = (error as { context?: { line?: unknown } } | null)?.context;
  return typeof context?.line === 'number' ? context.line : undefined;
}

/** Writes quads as Turtle, declaring only the prefixes they use, in a stable prefix order. */
export function serializeTurtle(quads: Iterable<Quad>, options: SerializeOptions = {}): string {
  const list = [...quads];
  const prefixes = usedPrefixes(list, options.prefixes ?? PREFIXES);
  const writer = new Writer({ format: 'text/turtle', prefixes, baseIRI: options.baseIRI });
  writer.addQuads(list);
  let output = '';
  // With no output stream n3's Writer calls back synchronously with the whole document.
  writer.end((error, result: string) => {
    if (error) throw error;
    output = result;
  });
  return output;
}

/**
 * Writes quads as one full-IRI statement per line (N-Triples, which is also Turtle), with no prefixes:
 * the form that goes inside N3 Patch `solid:inserts { … }` and `solid:deletes { … }` formulas.
 */
export function serializeTriples(quads: Iterable<Quad>): string {
  return new Writer({ format: 'N-Triples' }).quadsToString([...quads]);
}

/** Writes `iri` as a prefixed name when a prefix covers it (`sosa:resultTime`), else as `<iri>`. */
export function prefixedName(iri: string, prefixes: Readonly<Record<string, string>> = PREFIXES): string {
  let best: [string, string] | undefined;
  for (const [prefix, base] of Object.entries(prefixes)) {
    if (iri.startsWith(base) && (!best || base.length > best[1].length)) best = [prefix, base];
  }
  if (!best) return `<${iri}>`;
  const local = iri.slice(best[1].length);
  // Only local names Turtle writes without escapes; anything else stays a full IRI.
  return /^([A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$/.test(local) ? `${best[0]}:${local}` : `<${iri}>`;
}

/** The subset of `prefixes` whose namespace some IRI in the quads (terms and literal datatypes) starts with. */
function usedPrefixes(
  quads: readonly Quad[],
  prefixes: Readonly<Record<string, string>>,
): Record<string, string> {
  const namespaces = Object.entries(prefixes);
  const used = new Set<string>();
  const visit = (term: Term): void => {
    let iri: string | undefined;
    if (term.termType === 'NamedNode') iri = term.value;
    // n3 writes plain and language-tagged strings without a datatype.
    else if (term.termType === 'Literal' && !IMPLICIT_DATATYPES.has(term.datatype.value))
      iri = term.datatype.value;
    if (iri === undefined) return;
    for (const [prefix, base] of namespaces) if (iri.startsWith(base)) used.add(prefix);
  };
  for (const quad of quads) {
    visit(quad.subject);
    // n3 writes rdf:type in predicate position as `a`.
    if (quad.predicate.value !== RDF_TYPE) visit(quad.predicate);
    visit(quad.object);
  }
  const out: Record<string, string> = {};
  for (const [prefix, base] of namespaces) if (used.has(prefix)) out[prefix] = base;
  return out;
}
