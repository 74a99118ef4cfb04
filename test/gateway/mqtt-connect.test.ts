// connectMqtt: TCP and TLS brokers without mqtt.connect (and the transports it loads), reconnecting as mqtt.js does.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectMqtt } from '../../src/gateway/mqtt-connect.ts';

let broker: Aedes;
let plain: Server;
let secure: Server;
let dir: string;
let cert: Buffer;
const clients: MqttClient[] = [];

/** The port a server listens on. */
function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

/** Listens on a free port of 127.0.0.1. */
function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** Resolves on a client's next CONNACK, rejects on its next error. */
function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

beforeAll(async () => {
  broker = await Aedes.createBroker();
  plain = createServer(broker.handle);
  dir = await mkdtemp(join(tmpdir(), 'homedata-mqtt-connect-'));
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
    ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
  ]);
  cert = await readFile(join(dir, 'cert.pem'));
  secure = createTlsServer({ key: await readFile(join(dir, 'key.pem')), cert }, broker.handle);
  await Promise.all([listen(plain), listen(secure)]);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

afterAll(async () => {
  await new Promise<void>((resolve) => plain.close(() => resolve()));
  await new Promise<void>((resolve) => secure.close(() => resolve()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('connectMqtt', () => {
  it('connects to an mqtt:// broker without mqtt.connect, and reconnects when the broker drops it', async () => {
    const viaConnect = vi.spyOn(mqtt, 'connect');
    const client = connectMqtt(`mqtt://127.0.0.1:${portOf(plain)}`, {
      clientId: 'connect-test-tcp',
      reconnectPeriod: 50,
    });
    clients.push(client);
    await connected(client);
    const again = connected(client);
    client.stream.destroy();
    await again;
    expect(viaConnect).not.toHaveBeenCalled();
  });

  it('takes credentials and the client id from the URL, as mqtt.connect does', async () => {
    let seen: { clientId: string; username: string | undefined; password: string | undefined } | undefined;
    broker.authenticate = (client, username, password, done) => {
      seen = { clientId: client.id, username, password: password?.toString() };
      done(null, true);
    };
    const client = connectMqtt(`mqtt://gate%40way:s%20cret@127.0.0.1:${portOf(plain)}?clientId=from-url`, {
      clientId: 'from-options',
      username: 'ignored',
    });
    clients.push(client);
    await connected(client);
    expect(seen).toEqual({ clientId: 'from-url', username: 'gate@way', password: 's cret' });
  });

  it('connects to an mqtts:// broker whose certificate it trusts', async () => {
    const viaConnect = vi.spyOn(mqtt, 'connect');
    const client = connectMqtt(`mqtts://localhost:${portOf(secure)}`, {
      clientId: 'connect-test-tls',
      ca: cert,
    });
    clients.push(client);
    await connected(client);
    expect(viaConnect).not.toHaveBeenCalled();
  });

  it('refuses an mqtts:// broker whose certificate it does not trust', async () => {
    const client = connectMqtt(`mqtts://localhost:${portOf(secure)}`, {
      clientId: 'connect-test-untrusted',
      reconnectPeriod: 0,
    });
    clients.push(client);
    await expect(connected(client)).rejects.toThrow(/self-signed certificate/);
  });

  it('leaves WebSocket URLs to mqtt.connect', () => {
    const viaConnect = vi.spyOn(mqtt, 'connect');
    const client = connectMqtt('ws://127.0.0.1:1/mqtt', { clientId: 'connect-test-ws', reconnectPeriod: 0 });
    clients.push(client);
    expect(viaConnect).toHaveBeenCalledOnce();
  });
});
