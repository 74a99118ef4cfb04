// The namespaces homedata speaks; every IRI in the code is built from these.

/** Makes a term factory for one namespace: `ns('http://x/#')('a')` → `http://x/#a`. */
function namespace<const T extends string>(base: T) {
  const build = (local: string): string => `${base}${local}`;
  build.base = base;
  return build;
}

export const RDF = namespace('http://www.w3.org/1999/02/22-rdf-syntax-ns#');
export const RDFS = namespace('http://www.w3.org/2000/01/rdf-schema#');
export const XSD = namespace('http://www.w3.org/2001/XMLSchema#');
export const OWL = namespace('http://www.w3.org/2002/07/owl#');
export const SH = namespace('http://www.w3.org/ns/shacl#');
export const SOSA = namespace('http://www.w3.org/ns/sosa/');
export const SSN = namespace('http://www.w3.org/ns/ssn/');
export const QUDT = namespace('http://qudt.org/schema/qudt/');
export const UNIT = namespace('http://qudt.org/vocab/unit/');
export const TIME = namespace('http://www.w3.org/2006/time#');
export const PROV = namespace('http://www.w3.org/ns/prov#');
export const QB = namespace('http://purl.org/linked-data/cube#');
export const ODRL = namespace('http://www.w3.org/ns/odrl/2/');
export const DPV = namespace('https://w3id.org/dpv#');
export const DCT = namespace('http://purl.org/dc/terms/');
/** W3C Data Quality Vocabulary: quality measurements of daily summaries (hours flagged, by reason). */
export const DQV = namespace('http://www.w3.org/ns/dqv#');
export const ACL = namespace('http://www.w3.org/ns/auth/acl#');
export const LDP = namespace('http://www.w3.org/ns/ldp#');
export const SOLID = namespace('http://www.w3.org/ns/solid/terms#');
/** ActivityStreams 2.0: the Linked Data Notifications the broker sends to residents' inboxes. */
export const AS = namespace('https://www.w3.org/ns/activitystreams#');
/** Solid Notifications Protocol: subscription services and channel types. */
export const NOTIFY = namespace('http://www.w3.org/ns/solid/notifications#');
export const FOAF = namespace('http://xmlns.com/foaf/0.1/');
export const SCHEMA = namespace('https://schema.org/');
export const PIM = namespace('http://www.w3.org/ns/pim/space#');
/** Access Control Policies, the authorization system some Solid servers use instead of WAC. */
export const ACP = namespace('http://www.w3.org/ns/solid/acp#');
/** SDMX-RDF dimensions, the usual reference area and period of RDF Data Cube observations. */
export const SDMX_DIMENSION = namespace('http://purl.org/linked-data/sdmx/2009/dimension#');
/** ONS statistical geographies by GSS code (areas of published aggregates). */
export const STATISTICAL_GEOGRAPHY = namespace('http://statistics.data.gov.uk/id/statistical-geography/');
/** The project's own terms, only where no standard vocabulary has one (see vocab/homedata.ttl). */
export const HD = namespace('https://homedata.dev/ns#');
/** Catalogue metrics as resources, by metric id (e.g. `temperature.mean`), for published aggregates. */
export const HD_METRIC = namespace('https://homedata.dev/metrics/');

/** Prefixes for writing Turtle. */
export const PREFIXES: Record<string, string> = {
  rdf: RDF.base,
  rdfs: RDFS.base,
  xsd: XSD.base,
  owl: OWL.base,
  sh: SH.base,
  sosa: SOSA.base,
  ssn: SSN.base,
  qudt: QUDT.base,
  unit: UNIT.base,
  time: TIME.base,
  prov: PROV.base,
  qb: QB.base,
  odrl: ODRL.base,
  dpv: DPV.base,
  dct: DCT.base,
  dqv: DQV.base,
  acl: ACL.base,
  ldp: LDP.base,
  solid: SOLID.base,
  as: AS.base,
  notify: NOTIFY.base,
  foaf: FOAF.base,
  pim: PIM.base,
  acp: ACP.base,
  'sdmx-dimension': SDMX_DIMENSION.base,
  hd: HD.base,
  metric: HD_METRIC.base,
};
