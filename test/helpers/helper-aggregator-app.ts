// The helper aggregator in process for unit tests: its app on a loopback port, an in-memory database, and reports
// held in a map keyed by pod document URL (a pod server stands in only where no pod server runs: unit tests).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Store } from 'n3';
import { ForbiddenError } from '../../src/errors.ts';
import { createHelperApp, type HelperSettings } from '../../src/broker/private-aggregation/helper-app.ts';
import type { JobHome } from '../../src/broker/private-aggregation/helper-protocol.ts';
import { HelperStore } from '../../src/broker/private-aggregation/helper-store.ts';
import {
  httpHelperClient,
  type HelperClient,
} from '../../src/broker/private-aggregation/leader-collection.ts';
import { reportUrl, type ReadDocument } from '../../src/broker/private-aggregation/report-reader.ts';
import { createLogger, type Logger } from '../../src/logging.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import {
  reportIdHex,
  reportQuads,
  type Prio3Report,
  type Prio3ReportEncoding,
  type Prio3Task,
} from '../../src/private-aggregation/index.ts';

/** Report documents by URL, as the gateways wrote them; a pod listed in `closed` grants the helper no Read. */
export class ReportPods {
  private readonly documents = new Map<string, Store>();
  private readonly closed = new Set<string>();
  private next = 0;

  /** Reads as the helper would: null when there is no document, ForbiddenError where it holds no grant. */
  readonly read: ReadDocument = async (url) => {
    for (const pod of this.closed) {
      if (url.startsWith(pod)) throw new ForbiddenError('no grant');
    }
    return this.documents.get(url) ?? null;
  };

  /** Writes each report into a pod of its own; returns the job home of each, by report id (what the leader tells). */
  put(task: Prio3Task, reports: readonly Prio3Report<Prio3ReportEncoding>[]): Map<string, JobHome> {
    const homes = new Map<string, JobHome>();
    for (const report of reports) {
      const pod = `https://pods.example/home-${this.next++}/`;
      const layout = new PodLayout(pod);
      const url = reportUrl(layout, report.taskId, report.encoding);
      this.documents.set(url, new Store(reportQuads(report, task, url)));
      homes.set(reportIdHex(report), { pod, consentRecord: `${pod}homedata/consents/${task.id}.ttl` });
    }
    return homes;
  }

  /** Takes back the helper's Read on `pod` (the resident revoked, or never consented). */
  close(pod: string): void {
    this.closed.add(pod);
  }
}

/** A helper app listening on loopback, the leader's client for it, its store and how to stop both. */
export interface TestHelper {
  base: string;
  client: HelperClient;
  store: HelperStore;
  close(): Promise<void>;
}

/** Starts a helper app with an in-memory PGlite store (or `store`), reading `pods`. */
export async function startTestHelper(
  settings: Omit<HelperSettings, 'store' | 'readDocument'> & { pods: ReportPods; store?: HelperStore },
  options: { logger?: Logger; fetch?: typeof fetch; maxOpenJobs?: number } = {},
): Promise<TestHelper> {
  const store = settings.store ?? (await HelperStore.open({ kind: 'memory' }, options.maxOpenJobs ?? 1000));
  const app = createHelperApp(
    { ...settings, store, readDocument: settings.pods.read },
    options.logger ?? createLogger('helper', 'silent'),
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    base,
    client: httpHelperClient(base, settings.leaderToken, options.fetch),
    store,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      if (settings.store === undefined) await store.close();
    },
  };
}
