// Starts one real Community Solid Server for a whole test project and hands its URL to the tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPodServer } from '../../src/pod/pod-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    podServer: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homedata-css-'));
  const server = await startPodServer({
    dataDir,
    port: 0,
    // Tests make their residents through the account API.
    registration: 'open',
    logLevel: (process.env.HOMEDATA_CSS_LOG as 'warn') ?? 'error',
  });
  project.provide('podServer', server.url);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
