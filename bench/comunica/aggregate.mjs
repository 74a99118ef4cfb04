// Comunica peer of the broker benchmark: the same aggregation (mean indoor temperature per area) as one SPARQL query
// over the same pod documents, logged in as the broker. Reads a JSON job on stdin, prints one JSON line on stdout.
import { Session } from '@inrupt/solid-client-authn-node';
import { QueryEngine } from '@comunica/query-sparql';

/** Reads all of stdin as text. */
async function readStdin() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/**
 * Room means weighted by valid hours, then the mean over a home's rooms, then over an area's homes: the
 * catalogue's `temperature.mean` (without its 75 % coverage rule, which SPARQL would make much longer).
 */
const QUERY = `
PREFIX hd: <https://homedata.dev/ns#>
PREFIX sosa: <http://www.w3.org/ns/sosa/>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?area (COUNT(?home) AS ?homes) (AVG(?homeMean) AS ?mean) WHERE {
  {
    SELECT ?home ?area (AVG(?roomMean) AS ?homeMean) WHERE {
      {
        SELECT ?room (SUM(?m * ?h) / SUM(?h) AS ?roomMean) WHERE {
          ?summary sosa:observedProperty hd:Temperature ;
                   sosa:hasFeatureOfInterest ?room ;
                   hd:mean ?m ;
                   hd:validHours ?h .
        } GROUP BY ?room
      }
      ?home dct:hasPart ?room ;
            hd:areaCode ?area .
    } GROUP BY ?home ?area
  }
} GROUP BY ?area ORDER BY ?area`;

const job = JSON.parse(await readStdin());
const session = new Session();
await session.login({
  oidcIssuer: job.issuer,
  clientId: job.clientId,
  clientSecret: job.clientSecret,
  tokenType: 'DPoP',
});
const engine = new QueryEngine();
const started = performance.now();
const stream = await engine.queryBindings(QUERY, {
  sources: job.sources,
  // The broker's DPoP-bound session, as query-sparql-solid would use it.
  fetch: session.fetch,
});
const rows = (await stream.toArray()).map((bindings) => ({
  area: bindings.get('area')?.value,
  homes: Number(bindings.get('homes')?.value),
  mean: Number(bindings.get('mean')?.value),
}));
const ms = performance.now() - started;
await session.logout();
// maxRSS is in kilobytes: the peak resident memory of this whole process.
process.stdout.write(`${JSON.stringify({ ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
