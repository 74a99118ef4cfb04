// Hand-written Turtle documents the vocab tests validate: one valid example of each record, edited into invalid ones.
import { PREFIXES } from '../../src/vocab/namespaces.ts';

/** Every project prefix, so documents below can use any of them. */
const HEADER = Object.entries(PREFIXES)
  .map(([prefix, iri]) => `@prefix ${prefix}: <${iri}> .`)
  .join('\n');

/** The pod the examples live in. */
export const POD = 'https://alice.pods.example/';
export const RESIDENT = `${POD}profile/card#me`;
export const BROKER = 'https://broker.example/id#broker';

/** Replaces `from` with `to`, failing loudly when `from` is not there (so an edit never silently does nothing). */
export function edit(document: string, from: string, to: string): string {
  if (!document.includes(from)) throw new Error(`test document has no ${JSON.stringify(from)}`);
  return document.replace(from, to);
}

/** A raw reading as a gateway writes it, in an hourly readings document. */
export const READING_BASE = `${POD}homedata/readings/2024/01/15/09/flush.ttl`;
export const READING = `${HEADER}
<#living-th1-20240115T090000Z> a sosa:Observation, hd:Reading ;
  sosa:madeBySensor <${POD}homedata/devices/living-th1#sensor> ;
  sosa:observedProperty hd:Temperature ;
  sosa:hasFeatureOfInterest <${POD}homedata/home#room-living-room> ;
  sosa:resultTime "2024-01-15T09:00:00Z"^^xsd:dateTime ;
  sosa:hasResult <#living-th1-20240115T090000Z-result> .
<#living-th1-20240115T090000Z-result> a qudt:QuantityValue ;
  qudt:numericValue "19.25"^^xsd:double ;
  qudt:unit unit:DEG_C .
`;

/** A temperature daily summary with its local-day interval. */
export const SUMMARY_BASE = `${POD}homedata/summaries/temperature/2024-03.ttl`;
export const SUMMARY = `${HEADER}
<#living-room-2024-03-31> a sosa:Observation, hd:DailySummary ;
  sosa:observedProperty hd:Temperature ;
  sosa:hasFeatureOfInterest <${POD}homedata/home#room-living-room> ;
  hd:room <${POD}homedata/home#room-living-room> ;
  sosa:phenomenonTime <#living-room-2024-03-31-day> ;
  hd:localDate "2024-03-31"^^xsd:date ;
  hd:hoursInDay 23 ;
  hd:validHours 23 ;
  hd:readingCount 276 ;
  hd:mean "18.4"^^xsd:double ;
  hd:min "15.9"^^xsd:double ;
  hd:max "21.2"^^xsd:double ;
  hd:hoursBelow18 9 ;
  hd:hoursBelow16 1 ;
  hd:daytimeHours 15 ;
  hd:daytimeMean "19.1"^^xsd:double ;
  hd:nightHours 8 ;
  hd:nightHoursAbove26 0 .
<#living-room-2024-03-31-day> a time:Interval ;
  time:hasBeginning <#2024-03-31-start> ;
  time:hasEnd <#2024-04-01-start> .
<#2024-03-31-start> a time:Instant ; time:inXSDDateTimeStamp "2024-03-31T00:00:00+00:00"^^xsd:dateTimeStamp .
<#2024-04-01-start> a time:Instant ; time:inXSDDateTimeStamp "2024-04-01T00:00:00+01:00"^^xsd:dateTimeStamp .
`;

/** The home profile document. */
export const HOME_BASE = `${POD}homedata/home`;
export const HOME = `${HEADER}
<#home> a hd:Home ;
  hd:areaCode "E05000001" ;
  hd:dwellingType hd:Terraced ;
  hd:timeZone "Europe/London" ;
  dct:hasPart <#room-living-room> .
<#room-living-room> a hd:Room ; rdfs:label "Living room" .
`;

/** A given consent: the DPV record that is also the ODRL agreement, with IRI-named permission and constraints. */
export const CONSENT_BASE = `${POD}homedata/consents/req-42.ttl`;
export const CONSENT = `${HEADER}
<#consent> a dpv:ConsentRecord, odrl:Agreement ;
  hd:requestId "req-42" ;
  dpv:hasConsentStatus dpv:ConsentGiven ;
  dpv:hasPurpose <https://homedata.dev/purposes/damp-and-mould> ;
  dpv:hasDataSubject <${RESIDENT}> ;
  odrl:assigner <${RESIDENT}> ;
  dpv:isIndicatedAtTime "2024-02-01T18:30:00Z"^^xsd:dateTime ;
  hd:expiryTime "2024-08-01T00:00:00Z"^^xsd:dateTime ;
  odrl:permission <#permission> .
<#permission> a odrl:Permission ;
  odrl:assignee <${BROKER}> ;
  odrl:target <${POD}homedata/summaries/humidity/>, <${POD}homedata/summaries/temperature/> ;
  odrl:action odrl:read, odrl:aggregate ;
  odrl:constraint <#purpose>, <#until> .
<#purpose> a odrl:Constraint ;
  odrl:leftOperand odrl:purpose ;
  odrl:operator odrl:eq ;
  odrl:rightOperand <https://homedata.dev/purposes/damp-and-mould> .
<#until> a odrl:Constraint ;
  odrl:leftOperand odrl:dateTime ;
  odrl:operator odrl:lt ;
  odrl:rightOperand "2024-08-01T00:00:00Z"^^xsd:dateTime .
`;

/** A refusal: no permission and no expiry. */
export const REFUSAL = `${HEADER}
<#consent> a dpv:ConsentRecord, odrl:Agreement ;
  hd:requestId "req-43" ;
  dpv:hasConsentStatus dpv:ConsentRefused ;
  dpv:hasPurpose <https://homedata.dev/purposes/overheating> ;
  odrl:assigner <${RESIDENT}> .
`;

/** One read by the broker, as written into the resident's access log. */
export const ACCESS_BASE = `${POD}homedata/access-log/2024-02/req-42-1.ttl`;
export const ACCESS = `${HEADER}
<#access-req-42-1> a hd:AccessRecord, prov:Activity ;
  prov:wasAssociatedWith <${BROKER}> ;
  prov:used <${POD}homedata/summaries/humidity/2024-01.ttl>, <${POD}homedata/summaries/temperature/2024-01.ttl> ;
  hd:underRequest "req-42" ;
  hd:underConsent <${POD}homedata/consents/req-42.ttl#consent> ;
  prov:startedAtTime "2024-02-02T03:00:00Z"^^xsd:dateTime ;
  prov:endedAtTime "2024-02-02T03:00:02Z"^^xsd:dateTime .
`;
