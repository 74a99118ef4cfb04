// Starts the helper aggregator from its config: its key, its own login and database, and the HTTP app on a port.
import { Buffer } from 'node:buffer';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logging.ts';
import { loginWithClientCredentials } from '../../pod/index.ts';
import type { DatabaseTarget } from '../db/open-database.ts';
import { createHelperApp } from './helper-app.ts';
import { readKeyFile, type HelperConfig } from './helper-config.ts';
import { helperReportReader } from './helper-pod-reader.ts';
import { HelperStore } from './helper-store.ts';

/** A running helper: where it listens, its WebID, and how to stop it. */
export interface RunningHelper {
  url: string;
  webId: string;
  stop(): Promise<void>;
}

/** Where the helper keeps its data: PostgreSQL when a URL is given, else PGlite in its data folder. */
export function helperDatabaseTarget(config: HelperConfig): DatabaseTarget {
  return config.databaseUrl === undefined
    ? { kind: 'pglite', dir: config.dataDir }
    : {
        kind: 'postgres',
        url: config.databaseUrl,
        ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
      };
}

/**
 * Logs the helper in with its own client credentials (its token goes to the configured pod servers only), opens
 * its database and listens. Its WebID, from the login, is the aggregator id reports must be sealed to.
 */
export async function startHelperAggregator(config: HelperConfig, logger: Logger): Promise<RunningHelper> {
  const keys = await readKeyFile(config.keyFile);
  const origins = new Set(config.podServers.map((server) => new URL(server).origin));
  const agent = await loginWithClientCredentials(config.identity, { origins });
  let store: HelperStore | undefined;
  try {
    store = await HelperStore.open(helperDatabaseTarget(config), config.maxOpenJobs);
    const app = createHelperApp(
      {
        privateKey: keys.privateKey,
        verifyKey: Buffer.from(config.verifyKey, 'base64'),
        leaderToken: config.leaderToken,
        minimumBatch: config.minimumBatch,
        aggregatorIds: [config.leaderWebId, agent.webId],
        readDocument: helperReportReader(agent.fetch, {
          allowedOrigins: origins,
          allowPrivateNetwork: config.allowPrivateNetwork,
          timeoutMs: config.podAccess.requestTimeoutMs,
          maxBytes: config.podAccess.maxReportBytes,
        }),
        store,
        maxBatchQueryCount: config.maxBatchQueryCount,
      },
      logger,
    );
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, () => resolve(listening));
      listening.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const opened = store;
    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`,
      webId: agent.webId,
      async stop() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await opened.close();
        await agent.logout();
      },
    };
  } catch (error) {
    await store?.close();
    await agent.logout();
    throw error;
  }
}
