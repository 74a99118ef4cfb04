// The vocabulary part: every IRI the code uses (terms), Turtle in and out, and SHACL validation against vocab/shapes.ttl.
// May import: n3, rdf-validate-shacl, node built-ins, src/metrics (its domain types) and the shared src/*.ts; ./browser.ts is its browser-safe subset.
export * from './browser.ts';
export {
  validateAgainstShapes,
  assertValid,
  loadShapes,
  type RdfInput,
  type ValidateOptions,
  type ShapeResult,
  type ShapeReport,
} from './shapes.ts';
