// Starts the real Community Solid Servers for a whole test project, one with WAC and one with ACP, and hands their
// URLs to the tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPodServer, type AccessControlSystem } from '../../src/pod/pod-server.ts';

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
  const server = await startPodServer({
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
  // One after the other: both patch http.Server.listen while starting.
  const wac = await startOne('wac');
  const acp = await startOne('acp');
  project.provide('podServer', wac.url);
  project.provide('podServerAcp', acp.url);
  return async () => {
    await Promise.all([wac.stop(), acp.stop()]);
  };
}
