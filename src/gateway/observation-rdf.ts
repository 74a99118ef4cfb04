// Writes a reading as a SOSA observation with a QUDT result, under IRIs derived from the reading itself.
import { createHash } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import type { Reading } from '../metrics/index.ts';
import { roomIri } from '../pod/index.ts';
import { sensorIri } from '../pod/index.ts';
import type { PodLayout } from '../pod/index.ts';
import { OBSERVABLE_PROPERTY, PREFIXES, PROPERTY_UNIT, READING_FLAG_TERM, TERMS } from '../vocab/index.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, sosa, qudt, hd, xsd } = TERMS;

/**
 * The reading's identity: a hash of sensor, property and time (not the value). Sending the same reading again
 * gives the same IRIs, so the pod keeps one copy; 96 bits keep collisions out of reach within any one document.
 */
export function readingKey(reading: Pick<Reading, 'sensor' | 'property' | 'time'>): string {
  return createHash('sha256')
    .update(`${reading.sensor}\u0000${reading.property}\u0000${reading.time.toISOString()}`)
    .digest('hex')
    .slice(0, 24);
}

/** The start of the UTC hour holding `time`: readings of one hour share one pod document. */
export function hourOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 3_600_000) * 3_600_000);
}

/**
 * The triples of one reading: the observation and its result, both named by IRIs, and one `hd:qualityFlag` per
 * flag of a kept reading (above the sensor's range, RH capped). The IRIs hang off the hour's container, not the
 * flush document that holds them, so a reading written again in another flush document of the hour (a retry after
 * a crash between the pod's answer and the outbox's commit) is the same observation with the same triples.
 */
export function observationQuads(reading: Reading, layout: PodLayout, key = readingKey(reading)): Quad[] {
  const hour = layout.readingsHour(reading.time);
  const observation = namedNode(`${hour}#obs-${key}`);
  const result = namedNode(`${hour}#result-${key}`);
  const quads = [
    quad(observation, rdf.type, sosa.Observation),
    quad(observation, rdf.type, hd.Reading),
    quad(observation, sosa.madeBySensor, namedNode(sensorIri(layout, reading.sensor))),
    quad(observation, sosa.observedProperty, OBSERVABLE_PROPERTY[reading.property]),
    quad(observation, sosa.hasFeatureOfInterest, namedNode(roomIri(layout, reading.room))),
    quad(observation, sosa.resultTime, literal(reading.time.toISOString(), xsd.dateTime)),
    quad(observation, sosa.hasResult, result),
    quad(result, rdf.type, qudt.QuantityValue),
    quad(result, qudt.numericValue, literal(String(reading.value), xsd.double)),
    quad(result, qudt.unit, PROPERTY_UNIT[reading.property]),
  ];
  for (const flag of reading.flags ?? [])
    quads.push(quad(observation, hd.qualityFlag, READING_FLAG_TERM[flag]));
  return quads;
}

/**
 * The prefixes a readings document of the hour container `hour` is written with: the hour's observations and results,
 * the gateway's sensors and the home's rooms as `hour:obs-…`, `gateway:sensor-…` and `home:room-…`. The triples are
 * the ones full IRIs would give, in 38 % fewer bytes (a 5-minute flush of the bench's homes: 662 triples, 50 → 31 KB),
 * and CSS spends less CPU on the PUT (docs/gateway.md, "Benchmark").
 */
export function readingsDocumentPrefixes(layout: PodLayout, hour: string): Record<string, string> {
  return {
    ...PREFIXES,
    hour: `${hour}#`,
    gateway: `${layout.gatewayDocument}#`,
    home: `${layout.homeProfile}#`,
  };
}
