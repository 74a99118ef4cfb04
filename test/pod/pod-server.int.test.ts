// The in-process pod server: reachable on localhost, never on other interfaces unless configured.
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodServer, type PodServer } from '../../src/pod/pod-server.ts';

/** Resolves true when a TCP connection to host:port is accepted. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

describe('the in-process pod server', () => {
  let server: PodServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-loopback-'));
    server = await startPodServer({ dataDir, port: 0 });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves on http://localhost:PORT/', async () => {
    expect(server.url).toMatch(/^http:\/\/localhost:\d+\/$/);
    const response = await fetch(`${server.url}.account/`);
    expect(response.status).toBe(200);
  });

  it('listens on loopback only', async () => {
    expect(await canConnect('127.0.0.1', server.port)).toBe(true);
    const external = externalAddress();
    if (external) expect(await canConnect(external, server.port)).toBe(false);
    // 0.0.0.0 as a destination reaches every local interface: refused proves no wildcard bind.
    expect(server.host).toBe('127.0.0.1');
  });
});
