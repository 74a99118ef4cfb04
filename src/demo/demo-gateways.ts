// Live gateways for the first demo homes: the fixture simulator feeds each, so the resident page shows fresh data.
import { join } from 'node:path';
import { gatewayConfigSchema, resolveGatewayConfig, startGateway, type Gateway } from '../gateway/index.ts';
import type { FixtureSet } from '../fixtures/index.ts';
import type { Logger } from '../logging.ts';
import { parseConfig } from '../config/index.ts';
import type { DemoIdentities } from './demo-files.ts';
import { fixtureSummaries } from './seed-history.ts';

/** Simulated sensors report every five minutes, as typical battery room sensors do. */
const STEP_SECONDS = 300;
/** Two days of history on a first start, so charts and a completed daily summary show at once. */
const BACKFILL_HOURS = 48;

/**
 * Starts a simulator-fed gateway, with its own identity and outbox, for each of the first `count` homes. With
 * `prio3Broker`, each also polls that broker's prio3 tasks and writes its home's reports itself, from the fixture
 * winter its gateway wrote (seed-history.ts) as well as what it summarises live.
 */
export async function startDemoGateways(
  dataDir: string,
  fixtures: FixtureSet,
  identities: DemoIdentities,
  count: number,
  logger: Logger,
  prio3Broker?: string,
): Promise<Gateway[]> {
  const gateways: Gateway[] = [];
  try {
    for (const resident of identities.residents.slice(0, count)) {
      const gateway = identities.gateways.find((candidate) => candidate.home === resident.webId)!;
      const config = parseConfig(
        gatewayConfigSchema,
        {
          dataDir: join(dataDir, 'gateways', resident.home),
          pod: resident.pod,
          identity: {
            issuer: gateway.issuer,
            clientId: gateway.clientId,
            clientSecret: gateway.clientSecret,
          },
          simulator: {
            home: resident.home,
            homes: fixtures.homes.length,
            seed: fixtures.seed,
            stepSeconds: STEP_SECONDS,
            backfillHours: BACKFILL_HOURS,
          },
          flush: { intervalSeconds: 60 },
          ...(prio3Broker === undefined ? {} : { prio3: { broker: prio3Broker } }),
        },
        `demo gateway for ${resident.home}`,
      );
      const settings = await resolveGatewayConfig(config, dataDir);
      const home = fixtures.homes.find((candidate) => candidate.id === resident.home);
      gateways.push(
        await startGateway(settings, {
          logger: logger.child({ home: resident.home }),
          ...(prio3Broker !== undefined && home
            ? { earlierSummaries: fixtureSummaries(home, fixtures) }
            : {}),
        }),
      );
    }
    return gateways;
  } catch (error) {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    throw error;
  }
}
