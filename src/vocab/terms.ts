// Every RDF term homedata's code uses, as n3 NamedNodes grouped by vocabulary prefix: `TERMS.sosa.resultTime`.
import { DataFactory, type NamedNode } from 'n3';
import type { DailySummary, Property, QualityField, ReadingFlag } from '../metrics/index.ts';
import {
  ACL,
  ACP,
  AS,
  DCT,
  DPV,
  DQV,
  FOAF,
  HD,
  LDP,
  NOTIFY,
  ODRL,
  OWL,
  PIM,
  PROV,
  QB,
  QUDT,
  RDF,
  RDFS,
  SDMX_DIMENSION,
  SH,
  SOLID,
  SOSA,
  TIME,
  UNIT,
  XSD,
} from './namespaces.ts';

/** Builds `{ local: NamedNode }` for the listed local names of one namespace; keys are the local names verbatim. */
function terms<const L extends string>(
  ns: (local: string) => string,
  locals: readonly L[],
): Readonly<Record<L, NamedNode>> {
  const out = {} as Record<L, NamedNode>;
  for (const local of locals) out[local] = DataFactory.namedNode(ns(local));
  return Object.freeze(out);
}

/**
 * The terms, by prefix. Standard vocabularies first; `hd` holds only what they lack (vocab/homedata.ttl).
 * Use `.value` for the IRI string, e.g. when comparing with `quad.predicate.value`.
 */
export const TERMS = Object.freeze({
  rdf: terms(RDF, ['type', 'first', 'rest', 'nil']),
  rdfs: terms(RDFS, [
    'label',
    'comment',
    'subClassOf',
    'domain',
    'range',
    'seeAlso',
    'Resource',
    'isDefinedBy',
  ]),
  owl: terms(OWL, ['Ontology', 'Class', 'ObjectProperty', 'DatatypeProperty']),
  xsd: terms(XSD, [
    'string',
    'boolean',
    'integer',
    'nonNegativeInteger',
    'decimal',
    'double',
    'date',
    'dateTime',
    'dateTimeStamp',
    'gYearMonth',
    'anyURI',
    'base64Binary',
    'hexBinary',
  ]),
  sh: terms(SH, [
    'NodeShape',
    'PropertyShape',
    'ValidationReport',
    'ValidationResult',
    'Violation',
    'Warning',
    'Info',
  ]),
  sosa: terms(SOSA, [
    'Observation',
    'ObservableProperty',
    'FeatureOfInterest',
    'Sensor',
    'Platform',
    'madeBySensor',
    'madeObservation',
    'observes',
    'observedProperty',
    'hasFeatureOfInterest',
    'resultTime',
    'phenomenonTime',
    'hasResult',
    'hasSimpleResult',
    'hosts',
    'isHostedBy',
  ]),
  qudt: terms(QUDT, ['QuantityValue', 'Unit', 'numericValue', 'unit']),
  unit: terms(UNIT, ['DEG_C', 'PERCENT', 'PPM', 'MicroGM-PER-M3', 'KiloW-HR']),
  time: terms(TIME, ['Interval', 'Instant', 'hasBeginning', 'hasEnd', 'inXSDDateTimeStamp', 'inXSDDate']),
  prov: terms(PROV, [
    'Activity',
    'Entity',
    'Agent',
    'used',
    'wasAssociatedWith',
    'startedAtTime',
    'endedAtTime',
    'wasGeneratedBy',
    'generatedAtTime',
    'wasDerivedFrom',
    'wasAttributedTo',
    'qualifiedAssociation',
    'hadPlan',
  ]),
  qb: terms(QB, [
    'DataSet',
    'Observation',
    'DataStructureDefinition',
    'ComponentSpecification',
    'DimensionProperty',
    'MeasureProperty',
    'AttributeProperty',
    'dataSet',
    'structure',
    'component',
    'dimension',
    'measure',
    'attribute',
    'measureType',
    'order',
  ]),
  odrl: terms(ODRL, [
    'Policy',
    'Agreement',
    'Offer',
    'Request',
    'Permission',
    'Constraint',
    'uid',
    'permission',
    'assigner',
    'assignee',
    'target',
    'action',
    'constraint',
    'leftOperand',
    'operator',
    'rightOperand',
    'read',
    'aggregate',
    'use',
    'purpose',
    'dateTime',
    'eq',
    'isA',
    'isAnyOf',
    'lt',
    'lteq',
    'gt',
    'gteq',
  ]),
  // DPV 2.1 (checked against the w3c/dpv term list): it has no expiry- or withdrawal-time property; see hd below.
  dpv: terms(DPV, [
    'ConsentRecord',
    'Consent',
    'Purpose',
    'hasConsentStatus',
    'ConsentGiven',
    'ConsentRefused',
    'ConsentWithdrawn',
    'ConsentExpired',
    'ConsentRequested',
    'hasPurpose',
    'hasDataSubject',
    'hasPersonalData',
    'hasDataController',
    'hasRecipient',
    'hasLegalBasis',
    'isIndicatedAtTime',
    'isIndicatedBy',
    'hasIdentifier',
  ]),
  dct: terms(DCT, [
    'title',
    'description',
    'created',
    'modified',
    'identifier',
    'hasPart',
    'isPartOf',
    'spatial',
    'temporal',
  ]),
  dqv: terms(DQV, [
    'QualityMeasurement',
    'Metric',
    'Dimension',
    'hasQualityMeasurement',
    'isMeasurementOf',
    'computedOn',
    'value',
    'inDimension',
  ]),
  acl: terms(ACL, [
    'Authorization',
    'agent',
    'agentClass',
    'agentGroup',
    'accessTo',
    'default',
    'mode',
    'origin',
    'Read',
    'Write',
    'Append',
    'Control',
    'AuthenticatedAgent',
  ]),
  sdmxDimension: terms(SDMX_DIMENSION, ['refArea', 'refPeriod']),
  foaf: terms(FOAF, ['Agent']),
  ldp: terms(LDP, ['contains', 'Resource', 'Container', 'BasicContainer', 'inbox']),
  as: terms(AS, ['Offer', 'actor', 'object', 'target', 'summary', 'published']),
  notify: terms(NOTIFY, ['subscription', 'channelType', 'WebhookChannel2023', 'WebSocketChannel2023']),
  solid: terms(SOLID, [
    'InsertDeletePatch',
    'inserts',
    'deletes',
    'where',
    'oidcIssuer',
    'storage',
    // Type Indexes (https://solid.github.io/type-indexes/): how other apps find homedata's data
    'TypeIndex',
    'UnlistedDocument',
    'ListedDocument',
    'TypeRegistration',
    'forClass',
    'instance',
    'instanceContainer',
    'privateTypeIndex',
    'publicTypeIndex',
  ]),
  pim: terms(PIM, ['storage', 'Storage']),
  acp: terms(ACP, [
    'AccessControlResource',
    'AccessControl',
    'Policy',
    'Matcher',
    'resource',
    'accessControl',
    'memberAccessControl',
    'apply',
    'allow',
    'deny',
    'anyOf',
    'allOf',
    'noneOf',
    'agent',
  ]),
  hd: terms(HD, [
    // observable properties and their units
    'Temperature',
    'RelativeHumidity',
    'CO2Concentration',
    'PM25Concentration',
    'EnergyUse',
    'canonicalUnit',
    // readings, homes, rooms
    'Reading',
    'Home',
    'Room',
    'areaCode',
    'DwellingType',
    'dwellingType',
    'Flat',
    'Terraced',
    'SemiDetached',
    'Detached',
    'Bungalow',
    'timeZone',
    // daily summaries
    'DailySummary',
    'room',
    'localDate',
    'hoursInDay',
    'validHours',
    'readingCount',
    'mean',
    'min',
    'max',
    'hoursRh70',
    'hoursRh80',
    'adfFailed',
    'dewPointMean',
    'dewPointHours',
    'vapourPressureMean',
    'hoursBelow18',
    'hoursBelow16',
    'daytimeHours',
    'daytimeMean',
    'nightHours',
    'nightHoursAbove26',
    'nightMean',
    'hoursCo2Below800',
    'hoursCo2800to1000',
    'hoursCo21000to1500',
    'hoursCo2Above1500',
    'sum',
    // data quality: flags of kept readings, hours flagged per daily summary (DQV metrics)
    'QualityFlag',
    'qualityFlag',
    'AboveSensorRange',
    'BelowSensorRange',
    'RhCapped',
    'StuckSensor',
    'SensorHealth',
    'hoursStuck',
    'hoursAboveSensorRange',
    'hoursBelowSensorRange',
    'hoursRhCapped',
    // consent and access
    'requestId',
    'expiryTime',
    'withdrawalTime',
    'AccessRecord',
    'underRequest',
    'underConsent',
    'auditRow',
    // metrics
    'Metric',
    'metricId',
    // published aggregates (RDF Data Cube components and run provenance)
    'metric',
    'cohortDwellingType',
    'cohortSize',
    'cohortMean',
    'cohortMedian',
    'suppressed',
    'SuppressedCell',
    'suppressedCellOf',
    'minCohort',
    'epsilon',
    'homesCounted',
    'homesLeftOutLowCoverage',
    'homesLeftOutSensorFault',
    // private-aggregation reports (Prio3, docs/private-aggregation.md)
    'Prio3Report',
    'taskId',
    'reportId',
    'bitWidth',
    'histogramLength',
    'vectorLength',
    'countsFor',
    'chunkLength',
    'publicShare',
    'inputShare',
    'SealedInputShare',
    'aggregator',
    'aggregatorIndex',
    'encapsulatedKey',
    'ciphertext',
  ]),
});

/** The SOSA observable property each measured property is written as. */
export const OBSERVABLE_PROPERTY: Readonly<Record<Property, NamedNode>> = Object.freeze({
  temperature: TERMS.hd.Temperature,
  humidity: TERMS.hd.RelativeHumidity,
  co2: TERMS.hd.CO2Concentration,
  pm25: TERMS.hd.PM25Concentration,
  energy: TERMS.hd.EnergyUse,
});

/** The QUDT unit of each property's canonical unit (CANONICAL_UNIT in src/metrics/types.ts; hd:canonicalUnit). */
export const PROPERTY_UNIT: Readonly<Record<Property, NamedNode>> = Object.freeze({
  temperature: TERMS.unit.DEG_C,
  humidity: TERMS.unit.PERCENT,
  co2: TERMS.unit.PPM,
  pm25: TERMS.unit['MicroGM-PER-M3'],
  energy: TERMS.unit['KiloW-HR'],
});

const PROPERTY_BY_IRI: ReadonlyMap<string, Property> = new Map(
  (Object.entries(OBSERVABLE_PROPERTY) as [Property, NamedNode][]).map(([property, node]) => [
    node.value,
    property,
  ]),
);

/** The measured property an observable-property IRI stands for, or undefined for any other IRI. */
export function propertyOfIri(iri: string): Property | undefined {
  return PROPERTY_BY_IRI.get(iri);
}

/** The dwelling types a home profile may name, by hd local name: as the English Housing Survey groups them. */
export { DWELLING_TYPES, type DwellingType } from '../metrics/index.ts';

/** DPV consent statuses a consent record may carry. */
export const CONSENT_STATUSES = [
  'ConsentGiven',
  'ConsentRefused',
  'ConsentWithdrawn',
  'ConsentExpired',
] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** The numeric fields of a DailySummary written as figures: everything but property, room, date and quality. */
export type SummaryFigure = Exclude<keyof DailySummary, 'property' | 'room' | 'date' | QualityField>;

/** The hd:QualityFlag each reading flag is written as (`hd:qualityFlag` of an hd:Reading). */
export const READING_FLAG_TERM: Readonly<Record<ReadingFlag, NamedNode>> = Object.freeze({
  'above-sensor-range': TERMS.hd.AboveSensorRange,
  'below-sensor-range': TERMS.hd.BelowSensorRange,
  'rh-capped': TERMS.hd.RhCapped,
  stuck: TERMS.hd.StuckSensor,
});

/**
 * The dqv:Metric each quality field of a DailySummary measures: a summary carries one dqv:QualityMeasurement per
 * non-zero field (dqv:isMeasurementOf this metric, dqv:value the hours, an xsd:integer).
 */
export const QUALITY_METRIC: Readonly<Record<QualityField, NamedNode>> = Object.freeze({
  hoursStuck: TERMS.hd.hoursStuck,
  hoursAboveSensorRange: TERMS.hd.hoursAboveSensorRange,
  hoursBelowSensorRange: TERMS.hd.hoursBelowSensorRange,
  hoursRhCapped: TERMS.hd.hoursRhCapped,
});

/** How one DailySummary figure is written: its predicate and literal datatype (shapes.ttl checks the same). */
export interface SummaryFigureTerm {
  predicate: NamedNode;
  datatype: NamedNode;
}

const integer = (predicate: NamedNode): SummaryFigureTerm => ({ predicate, datatype: TERMS.xsd.integer });
const double = (predicate: NamedNode): SummaryFigureTerm => ({ predicate, datatype: TERMS.xsd.double });

/**
 * Predicate and datatype of every DailySummary figure. Typed over every numeric field of DailySummary, so a field
 * added there does not compile until it has a term here (and in vocab/homedata.ttl and shapes.ttl).
 */
export const SUMMARY_FIGURES: Readonly<Record<SummaryFigure, SummaryFigureTerm>> = Object.freeze({
  hoursInDay: integer(TERMS.hd.hoursInDay),
  validHours: integer(TERMS.hd.validHours),
  count: integer(TERMS.hd.readingCount),
  mean: double(TERMS.hd.mean),
  min: double(TERMS.hd.min),
  max: double(TERMS.hd.max),
  hoursRh70: integer(TERMS.hd.hoursRh70),
  hoursRh80: integer(TERMS.hd.hoursRh80),
  adfFailed: integer(TERMS.hd.adfFailed),
  dewPointMean: double(TERMS.hd.dewPointMean),
  dewPointHours: integer(TERMS.hd.dewPointHours),
  vapourPressureMean: double(TERMS.hd.vapourPressureMean),
  hoursBelow18: integer(TERMS.hd.hoursBelow18),
  hoursBelow16: integer(TERMS.hd.hoursBelow16),
  daytimeHours: integer(TERMS.hd.daytimeHours),
  daytimeMean: double(TERMS.hd.daytimeMean),
  nightHours: integer(TERMS.hd.nightHours),
  nightHoursAbove26: integer(TERMS.hd.nightHoursAbove26),
  nightMean: double(TERMS.hd.nightMean),
  hoursCo2Below800: integer(TERMS.hd.hoursCo2Below800),
  hoursCo2800to1000: integer(TERMS.hd.hoursCo2800to1000),
  hoursCo21000to1500: integer(TERMS.hd.hoursCo21000to1500),
  hoursCo2Above1500: integer(TERMS.hd.hoursCo2Above1500),
  sum: double(TERMS.hd.sum),
});
