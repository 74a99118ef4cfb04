// Starts the real Community Solid Servers for a whole test project, one with WAC and one with ACP, and hands their
// URLs to the tests. Each runs on a thread of its own rather than vitest's main thread, whose event loop also
// transforms the modules and takes the reports of every test file running at once. A CSS queued behind other work
// holds its account locks longer, and past 6 s it answers 500 "Lock expired after 6000ms" to logins (seen on a
// loaded machine, one file at a time, on either thread).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { AccessControlSystem } from '../../src/pod/pod-server.ts';
import { startPodServerThread } from '../../src/pod/pod-server-thread.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WAC pod server (CSS's `webacl`), which every integration test uses. */
    podServer: string;
    /** The same server with ACP (CSS's `acp` authorization), for the pod-level tests run under both. */
    podServerAcp: string;
  }
}

/** Starts one pod server in a fresh folder; the returned function stops it and removes the folder. */
async function startOne(access: AccessControlSystem): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), `homedata-css-${access}-`));
  const server = await startPodServerThread({
    dataDir,
    port: 0,
    // Tests make their residents through the account API.
    registration: 'open',
    access,
    logLevel: (process.env.HOMEDATA_CSS_LOG as 'warn') ?? 'error',
  });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // At once: each thread has its own http module, so their patches of http.Server.listen at start-up cannot meet.
  const [wac, acp] = await Promise.all([startOne('wac'), startOne('acp')]);
  project.provide('podServer', wac.url);
  project.provide('podServerAcp', acp.url);
  return async () => {
    await Promise.all([wac.stop(), acp.stop()]);
  };
}
