// The vocab part's browser-safe face: every IRI the code uses (namespaces, terms) and Turtle in and out.
// Kept apart from ./index.ts, which adds SHACL validation (node:fs), because the resident page bundles this one.
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
