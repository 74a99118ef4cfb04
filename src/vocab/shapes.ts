// Checks RDF against vocab/shapes.ttl (SHACL, via rdf-validate-shacl) and reports failures by the property that failed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Store } from 'n3';
import type SHACLValidator from 'rdf-validate-shacl';
import { ValidationError } from '../errors.ts';
import { SH } from './namespaces.ts';
import { parseTurtle, prefixedName } from './turtle.ts';

/** Where the shapes live: resolved from this module, so it works whatever the working directory. */
const SHAPES_URL = new URL('../../vocab/shapes.ttl', import.meta.url);

/** RDF to validate: Turtle text, or quads (an n3 Store is iterable). */
export type RdfInput = string | Iterable<Quad>;

/** Options for validating. */
export interface ValidateOptions {
  /** For Turtle text: the IRI relative IRIs resolve against (the document's URL). */
  baseIRI?: string;
  /** What is being checked, for error messages (`reading batch`, a file name). */
  source?: string;
}

/** One failed constraint. */
export interface ShapeResult {
  /** The node that failed: an IRI, or `_:id` for a blank node. */
  focusNode: string;
  /** The property the rule is about, prefixed (`sosa:resultTime`); undefined only for rules with no property. */
  path: string | undefined;
  /** What the rule requires (the shape's sh:message). */
  message: string;
  /** `Violation`, `Warning` or `Info`. */
  severity: string;
  /** The SHACL constraint component that failed, prefixed (`sh:MinCountConstraintComponent`). */
  constraint: string;
  /** The offending value, when there is one. */
  value?: string;
}

/** The outcome of a validation. */
export interface ShapeReport {
  conforms: boolean;
  results: ShapeResult[];
}

/** The parsed shapes graph, read on first use; shapes are immutable data, so one serves all. */
let shapesCache: Store | undefined;
/**
 * The SHACL validator, built on first use. Imported then, not at load: rdf-validate-shacl and its vocabularies
 * cost ~15 MB of RSS, and every process that imports the vocab module (a gateway) would pay it without validating.
 */
let validatorCache: Promise<SHACLValidator> | undefined;

/** A copy of the parsed shapes graph (vocab/shapes.ttl), for callers that inspect or publish the shapes. */
export function loadShapes(): Store {
  return new Store([...shapesGraph()]);
}

/** Reads and parses the shapes on first call. */
function shapesGraph(): Store {
  if (!shapesCache) {
    const text = readFileSync(fileURLToPath(SHAPES_URL), 'utf8');
    shapesCache = parseTurtle(text, { baseIRI: SHAPES_URL.href, source: 'vocab/shapes.ttl' });
  }
  return shapesCache;
}

/** Compiles the shapes into a validator on first call. */
function shapesValidator(): Promise<SHACLValidator> {
  validatorCache ??= import('rdf-validate-shacl').then(
    ({ default: Validator }) => new Validator(shapesGraph()),
  );
  return validatorCache;
}

/**
 * Validates RDF against every shape in vocab/shapes.ttl; Turtle syntax errors throw ValidationError.
 * Concurrent calls are safe: after its first await the validator runs to the end synchronously.
 */
export async function validateAgainstShapes(
  input: RdfInput,
  options: ValidateOptions = {},
): Promise<ShapeReport> {
  const data = toStore(input, options);
  const validator = await shapesValidator();
  const shapes = shapesGraph();
  const report = await validator.validate(data);
  const results = report.results.map((result): ShapeResult => {
    const sourceShape = result.sourceShape as Term | undefined;
    const value = result.value as Term | undefined;
    return {
      focusNode: termText(result.focusNode),
      path: propertyName(shapes, sourceShape, result.path),
      message: result.message[0]?.value ?? 'does not conform',
      severity: result.severity ? localName(result.severity.value) : 'Violation',
      constraint: result.sourceConstraintComponent
        ? prefixedName(result.sourceConstraintComponent.value)
        : '',
      ...(value ? { value: termText(value) } : {}),
    };
  });
  return { conforms: report.conforms, results };
}

/** Validates and throws a ValidationError naming each failed property (`sosa:resultTime: …`) if anything fails. */
export async function assertValid(input: RdfInput, options: ValidateOptions = {}): Promise<void> {
  const report = await validateAgainstShapes(input, options);
  if (report.conforms) return;
  throw new ValidationError(describeFailures(report.results, options.source), {
    source: options.source,
    results: report.results,
  });
}

/** One line for the error message: distinct failures, the first few in full. */
function describeFailures(results: readonly ShapeResult[], source: string | undefined): string {
  const lines = [...new Set(results.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)))];
  const shown = lines.slice(0, 5).join('; ');
  const more = lines.length > 5 ? ` (and ${lines.length - 5} more)` : '';
  return `${source ? `${source} ` : ''}does not match the homedata shapes: ${shown}${more}`;
}

/** Turns any accepted input into a Store. */
function toStore(input: RdfInput, options: ValidateOptions): Store {
  if (typeof input === 'string') return parseTurtle(input, options);
  if (input instanceof Store) return input;
  return new Store([...input]);
}

/** The property a result is about: the shape's sh:name, else its path as a prefixed name. */
function propertyName(
  shapes: Store,
  sourceShape: Term | undefined,
  path: Term | undefined,
): string | undefined {
  if (sourceShape) {
    const name = shapes.getObjects(sourceShape, DataFactory.namedNode(SH('name')), null)[0];
    if (name) return name.value;
  }
  return path?.termType === 'NamedNode' ? prefixedName(path.value) : undefined;
}

/** An IRI as is, a blank node as `_:id`, a literal as its lexical form. */
function termText(term: Term): string {
  return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
}

/** The part of an IRI after its last `#` or `/`. */
function localName(iri: string): string {
  return iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
}
