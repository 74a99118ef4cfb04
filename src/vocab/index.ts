// The vocabulary part: every IRI the code uses (terms), Turtle in and out, and SHACL validation against vocab/shapes.ttl.
// May import: n3, rdf-validate-shacl (and @rdfjs/types), node built-ins, src/errors, src/metrics/types; nothing else in src/.
export * from './namespaces.ts';
export {
  TERMS,
  OBSERVABLE_PROPERTY,
  PROPERTY_UNIT,
  propertyOfIri,
  DWELLING_TYPES,
  CONSENT_STATUSES,
  SUMMARY_FIGURES,
  READING_FLAG_TERM,
  QUALITY_METRIC,
  type DwellingType,
  type ConsentStatus,
  type SummaryFigure,
  type SummaryFigureTerm,
} from './terms.ts';
export {
  parseTurtle,
  serializeTurtle,
  serializeTriples,
  prefixedName,
  type ParseOptions,
  type SerializeOptions,
} from './turtle.ts';
export {
  validateAgainstShapes,
  assertValid,
  loadShapes,
  type RdfInput,
  type ValidateOptions,
  type ShapeResult,
  type ShapeReport,
} from './shapes.ts';
