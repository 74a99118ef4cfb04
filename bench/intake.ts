// Intake benchmark: readings per second a gateway accepts durably (committed and fsync'd before each PUBACK or 202), by MQTT connections and HTTP clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { startGateway } from '../src/gateway/index.ts';
import { gatewayConfigSchema, resolveGatewayConfig } from '../src/gateway/gateway-config.ts';
import { createLogger } from '../src/logging.ts';
import { findFreePort } from '../src/free-port.ts';

const TOKEN = 'bench-token-0123456789abcdef';
/** Messages a publisher keeps unacknowledged, so the broker always has a backlog for every gateway connection. */
const WINDOW = 400;

/** One measured setting. */
interface Scenario {
  input: 'mqtt' | 'http';
  /** MQTT connections of the gateway, or concurrent HTTP clients. */
  parallel: number;
}

/** The payload of message `index` of sender `sender`: one instant of the sensor, two readings. */
function instant(sender: number, index: number): { time: string; temperature: number; humidity: number } {
  return {
    time: new Date(Date.UTC(2026, 0, 1) + (sender * 10_000_000 + index) * 1000).toISOString(),
    temperature: 20 + (index % 10) / 10,
    humidity: 50,
  };
}

/** In a child process: publishes QoS 1 messages with a window of {@link WINDOW}, or posts one-entry batches from `parallel` clients, until killed. */
export async function send(
  target: string,
  input: Scenario['input'],
  parallel: number,
  options: { topic?: string; rate?: number } = {},
): Promise<void> {
  if (input === 'mqtt') {
    const client = await mqtt.connectAsync(target, { clientId: `bench-sensors-${process.pid}` });
    let index = 0;
    const publishOne = (done?: () => void): void => {
      const { time, temperature, humidity } = instant(0, index++);
      client.publish(
        `${options.topic ?? 'zigbee2mqtt'}/living-th1`,
        JSON.stringify({ temperature, humidity, last_seen: time }),
        { qos: 1 },
        done,
      );
    };
    const next = (): void => publishOne(next);
    if (options.rate) {
      // A steady rate instead of a backlog: a tenth of the messages every 100 ms.
      setInterval(() => {
        for (let count = 0; count < options.rate! / 10; count++) publishOne();
      }, 100);
    } else {
      for (let slot = 0; slot < WINDOW; slot++) next();
    }
    process.stdout.write('sending\n');
    return new Promise(() => undefined);
  }
  process.stdout.write('sending\n');
  await Promise.all(
    Array.from({ length: parallel }, async (_, sender) => {
      for (let index = 0; ; index++) {
        const { time, temperature, humidity } = instant(sender, index);
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({
            readings: [{ device: 'living-th1', time, values: { temperature, humidity } }],
          }),
        });
        await response.arrayBuffer();
      }
    }),
  );
}

/** Starts a private Mosquitto on a free loopback port (the shared one is other people's). */
export async function startMosquitto(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await findFreePort();
  const conf = join(dir, 'mosquitto.conf');
  // Unlimited queue: the bench's backlog must not be dropped by the broker's default 1,000-message queue.
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n`);
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await (await mqtt.connectAsync(url, { reconnectPeriod: 0 })).endAsync();
      return { url, process: broker };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  broker.kill();
  throw new Error(`mosquitto did not start on port ${port}`);
}

/** Runs one scenario: a fresh gateway, a sender child, readings accepted per second over `seconds` once the sender sends, after a warm-up. */
async function measure(
  scenario: Scenario,
  brokerUrl: string,
  seconds: number,
): Promise<{ readingsPerSecond: number; gatewayCpu: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homedata-intake-bench-'));
  const nowhere = `http://localhost:${await findFreePort()}/`;
  const httpPort = await findFreePort();
  const settings = await resolveGatewayConfig(
    gatewayConfigSchema.parse({
      dataDir: '.',
      // No pod answers: nothing but intake runs, and every accepted reading stays in the outbox.
      pod: `${nowhere}resident/`,
      identity: { issuer: nowhere, clientId: 'nobody', clientSecret: 'nothing' },
      devices: { 'living-th1': { room: 'living-room' } },
      ...(scenario.input === 'mqtt'
        ? {
            mqtt: {
              url: brokerUrl,
              clientId: `bench-gw-${dataDir.slice(-6)}`,
              connections: scenario.parallel,
            },
          }
        : { http: { port: httpPort, token: TOKEN } }),
      flush: { intervalSeconds: 3600, maxReadings: 100_000_000 },
    }),
    dataDir,
  );
  const gateway = await startGateway(settings, { logger: createLogger('gateway', 'silent') });
  await gateway.mqttReady;
  const target = scenario.input === 'mqtt' ? brokerUrl : `http://127.0.0.1:${httpPort}/readings`;
  const sender = spawn(
    process.execPath,
    [
      'bin/run-ts.js',
      'bench/intake.ts',
      '--send',
      scenario.input,
      '--target',
      target,
      '--parallel',
      String(scenario.parallel),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    // The sender's own start (tsx, mqtt) takes seconds on a loaded machine: the clock starts once it sends.
    await new Promise<void>((resolve, reject) => {
      sender.stdout!.once('data', () => resolve());
      sender.once('exit', (code) => reject(new Error(`sender exited with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = gateway.intake.counters.accepted;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const accepted = gateway.intake.counters.accepted - before;
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = performance.now() - started;
    return {
      readingsPerSecond: accepted / (elapsedMs / 1000),
      // The gateway process's CPU time over wall time: near 1 means it is CPU-bound (one thread), far below waits on fsync or the sender.
      gatewayCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
    };
  } finally {
    sender.kill('SIGKILL');
    await gateway.stop({ finalFlushMs: 0 });
    // A file the stopping gateway still writes made this fail with ENOTEMPTY after the last row, table unprinted.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** `npm run bench -- intake [--seconds 8] [--mqtt 1,4,8,16] [--http 1,16]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      send: { type: 'string' },
      target: { type: 'string' },
      parallel: { type: 'string', default: '1' },
      topic: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string', default: '8' },
      mqtt: { type: 'string', default: '1,4,8,16' },
      http: { type: 'string', default: '1,16' },
    },
  });
  if (values.send) {
    await send(values.target!, values.send as Scenario['input'], Number(values.parallel), {
      ...(values.topic ? { topic: values.topic } : {}),
      ...(values.rate ? { rate: Number(values.rate) } : {}),
    });
    return;
  }
  const seconds = Number(values.seconds);
  const scenarios: Scenario[] = [
    ...values.mqtt.split(',').map((n) => ({ input: 'mqtt' as const, parallel: Number(n) })),
    ...values.http.split(',').map((n) => ({ input: 'http' as const, parallel: Number(n) })),
  ];
  const loadAtStart = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'homedata-intake-bench-broker-'));
  const broker = await startMosquitto(dir);
  const rows: { scenario: Scenario; readingsPerSecond: number; gatewayCpu: number }[] = [];
  try {
    for (const scenario of scenarios) {
      process.stderr.write(`measuring ${scenario.input} × ${scenario.parallel}…\n`);
      rows.push({ scenario, ...(await measure(scenario, broker.url, seconds)) });
    }
  } finally {
    broker.process.kill();
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = rows[0]!.readingsPerSecond;
  process.stdout.write(
    `\n| input | parallel | readings/s accepted (fsync'd before acknowledging) | × first row | gateway CPU (cores) |\n| --- | --- | --- | --- | --- |\n`,
  );
  for (const { scenario, readingsPerSecond, gatewayCpu } of rows) {
    const what =
      scenario.input === 'mqtt'
        ? 'MQTT QoS 1, 2 readings a message (Mosquitto 2, `$share/` when > 1)'
        : 'HTTP POST, 1 entry (2 readings) a request';
    process.stdout.write(
      `| ${what} | ${scenario.parallel} ${scenario.input === 'mqtt' ? 'connections' : 'clients'} | ${Math.round(readingsPerSecond)} | ${(readingsPerSecond / baseline).toFixed(1)} | ${gatewayCpu.toFixed(2)} |\n`,
    );
  }
  const loadAtEnd = loadavg()[0]!;
  process.stdout.write(
    `\n${seconds} s per row after the sender started and 2 s of warm-up; gateway, sender and broker on this machine (${cpus().length} cores); 1-minute load average ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end.\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'intake', seconds, loadAverage: [loadAtStart, loadAtEnd], rows })}\n`,
  );
}

// Run directly (the sender child processes): `node bin/run-ts.js bench/intake.ts --send …`.
if (process.argv[1]?.endsWith('bench/intake.ts')) await main(process.argv.slice(2));
