// Gateway: sensor messages (MQTT, HTTP, CSV, simulator) in, SOSA readings and daily summaries appended to the resident's pod, nothing lost, nothing twice.
// May import: src/pod, src/vocab, src/metrics, src/private-aggregation (Prio3 reports), src/fixtures (the simulator input's home model),
// src/config and the shared src/*.ts — never broker, consent or web.
export {
  gatewayConfigSchema,
  loadGatewaySettings,
  resolveGatewayConfig,
  type GatewayConfig,
  type GatewaySettings,
} from './gateway-config.ts';
export { startGateway, type Gateway, type GatewayOptions } from './gateway.ts';
export { readStatusFile, statusFilePath, type GatewayStatus } from './gateway-status.ts';
export {
  findManifestHome,
  loadGatewayCredentials,
  type ManifestHome,
  type GatewayIdentity,
} from './identities-file.ts';
export { readOutboxStatus } from './outbox-status.ts';
export { observationQuads, readingKey, readingsDocumentPrefixes } from './observation-rdf.ts';
export {
  buildPrio3Report,
  writePrio3Report,
  reportRequestsFor,
  type Prio3ReportRequest,
} from './prio3-reports.ts';
