// The pod server on its own thread (what `homedata demo` runs): serves like the in-process one, stops, and a start
// that cannot happen fails with the thread's reason instead of hanging.
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PodError } from '../../src/errors.ts';
import { startPodServerThread } from '../../src/pod/pod-server-thread.ts';

describe('the pod server on a thread', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-pod-thread-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves on localhost, keeps idle connections longer than clients do, and frees its port on stop', async () => {
    const server = await startPodServerThread({ dataDir: join(dataDir, 'a'), port: 0, registration: 'open' });
    expect(server.url).toMatch(/^http:\/\/localhost:\d+\/$/);
    const response = await fetch(`${server.url}.account/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
    await server.stop();
    await expect(fetch(`${server.url}.account/`)).rejects.toThrow();
  });

  it('fails with the reason when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
    const port = (taken.address() as { port: number }).port;
    try {
      const start = startPodServerThread({ dataDir: join(dataDir, 'b'), port });
      await expect(start).rejects.toThrow(PodError);
      await expect(start).rejects.toThrow(/EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
