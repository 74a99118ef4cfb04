// SIMULATOR, bench only: N pod servers on loopback that answer the broker's run requests the way CSS would, capped at
// CSS's measured rate and latency. Never a pod server: it serves templated fixture documents and forgets writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateFixtureSet } from '../src/fixtures/fixture-set.ts';
import { homeProfileTurtle } from '../src/pod/formats/home-profile.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import { fixtureTemperatureSummaries, MONTH, summaryDocumentTurtle, TIME_ZONE } from './broker.ts';

/** What the simulated servers are made with. */
export const simulatorOptionsSchema = z
  .object({
    /** Simulated pod servers, each on its own free loopback port. */
    servers: z.number().int().min(1).max(1000),
    /** Homes spread over them: home `i` lives on server `i mod servers`. */
    homes: z.number().int().min(1).max(10_000_000),
    /** Homes per area code: home `i` is in area `areaCode(floor(i / homesPerArea))`. */
    homesPerArea: z.number().int().min(1),
    /** Requests each server answers per second at most (CSS's authenticated GET rate); more wait their turn. */
    ratePerSecond: z.number().positive(),
    /** Time each request takes once its turn comes (CSS's latency to one client), ms. */
    latencyMs: z.number().min(0),
    /** The only WebID whose requests are answered; anyone else gets 401 (no token) or 403. */
    brokerWebId: z.url(),
  })
  .strict();

export type SimulatorOptions = z.infer<typeof simulatorOptionsSchema>;

/** What one simulated server saw. */
export interface SimulatedServerStats {
  url: string;
  gets: number;
  puts: number;
  /** Answers 401 or 403: requests without the broker's token and proof. */
  refused: number;
  notFound: number;
  /** Most requests open at once (received, not yet answered). */
  peakInFlight: number;
  /** Most TCP connections open at once. */
  peakConnections: number;
  /** Requests answered per second from the first to the last. */
  answeredPerSecond: number;
}

/** The GSS-shaped code of simulated area `index` (invented, like the fixture wards). */
export function simulatedAreaCode(index: number): string {
  return `E05${String(980000 + index).padStart(6, '0')}`;
}

/** The pod of home `index` on a server whose base URL is `server`. */
export function simulatedPod(server: string, index: number): string {
  return `${server}h${String(index).padStart(6, '0')}/`;
}

/** Fixture documents for every home, templated: one summaries and one profile per fixture home. */
interface HomeDocuments {
  /** The profile text of home `index` on pod `pod`. */
  profile(pod: string, index: number): string;
  /** The summaries text of home `index` on pod `pod`. */
  summaries(pod: string, index: number): string;
}

const TEMPLATE_POD = 'http://template.pod-sim.invalid/pod/';
const TEMPLATE_AREA = 'E05999999';

/**
 * Generates the 24 fixture homes' profile and January temperature summaries once, for a template pod, and answers
 * each home's documents by putting its pod URL (and area) in.
 */
async function homeDocuments(homesPerArea: number): Promise<HomeDocuments> {
  const fixtures = generateFixtureSet();
  const summaries = await fixtureTemperatureSummaries(fixtures);
  const layout = new PodLayout(TEMPLATE_POD);
  const profileParts = fixtures.homes.map((fixture) =>
    homeProfileTurtle(layout, {
      area: TEMPLATE_AREA,
      dwellingType: fixture.dwellingType,
      timeZone: TIME_ZONE,
      rooms: fixture.rooms,
    })
      .split(TEMPLATE_AREA)
      .map((part) => part.split(TEMPLATE_POD)),
  );
  const summaryParts = fixtures.homes.map((fixture) =>
    summaryDocumentTurtle(summaries.get(fixture.id)!, layout).split(TEMPLATE_POD),
  );
  const count = fixtures.homes.length;
  return {
    profile(pod, index) {
      const area = simulatedAreaCode(Math.floor(index / homesPerArea));
      return profileParts[index % count]!.map((pieces) => pieces.join(pod)).join(area);
    },
    summaries(pod, index) {
      return summaryParts[index % count]!.join(pod);
    },
  };
}

/** The payload of a compact JWS, or null when it is not one. */
function jwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The credentials check in a simple form: a `DPoP` access token whose `webid` claim is the broker's and that has
 * not expired, and a DPoP proof for this method and URL. Signatures are not checked (the bench measures the
 * broker, not a token verifier): 401 without them, 403 for another WebID.
 */
function credentialsStatus(request: IncomingMessage, url: string, brokerWebId: string): 200 | 401 | 403 {
  const authorization = request.headers.authorization ?? '';
  const proof = request.headers.dpop;
  if (!authorization.startsWith('DPoP ') || typeof proof !== 'string') return 401;
  const token = jwtPayload(authorization.slice(5));
  const claims = jwtPayload(proof);
  if (token === null || claims === null) return 401;
  if (typeof token.exp !== 'number' || token.exp * 1000 < Date.now()) return 401;
  if (claims.htm !== request.method || claims.htu !== url) return 401;
  return token.webid === brokerWebId ? 200 : 403;
}

/** A path under a home's pod: `/h000123/rest`. */
const POD_PATH = /^\/h(\d{6})\/(.*)$/;

/** One simulated pod server: its HTTP server, its turn-taking clock and what it saw. */
class SimulatedServer {
  readonly url: string;
  private readonly server: Server;
  private readonly options: SimulatorOptions;
  private readonly documents: HomeDocuments;
  private readonly index: number;
  /** When the next request may start (ms, performance clock): the rate cap as a queue. */
  private nextTurn = 0;
  private inFlight = 0;
  private connections = 0;
  private readonly written = new Set<string>();
  private firstAt = 0;
  private lastAt = 0;
  readonly stats = { gets: 0, puts: 0, refused: 0, notFound: 0, peakInFlight: 0, peakConnections: 0 };

  constructor(
    server: Server,
    url: string,
    index: number,
    options: SimulatorOptions,
    documents: HomeDocuments,
  ) {
    this.server = server;
    this.url = url;
    this.index = index;
    this.options = options;
    this.documents = documents;
    server.on('connection', (socket) => {
      this.connections++;
      this.stats.peakConnections = Math.max(this.stats.peakConnections, this.connections);
      socket.once('close', () => this.connections--);
    });
    server.on('request', (request, response) => this.handle(request, response));
  }

  summary(): SimulatedServerStats {
    const answered = this.stats.gets + this.stats.puts + this.stats.refused + this.stats.notFound;
    const seconds = (this.lastAt - this.firstAt) / 1000;
    return { url: this.url, ...this.stats, answeredPerSecond: seconds > 0 ? answered / seconds : 0 };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.inFlight++;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    const now = performance.now();
    if (this.firstAt === 0) this.firstAt = now;
    // Each request takes one turn of 1/rate; it is answered `latencyMs` after its turn starts.
    const turn = Math.max(now, this.nextTurn);
    this.nextTurn = turn + 1000 / this.options.ratePerSecond;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const wait = Math.max(0, turn + this.options.latencyMs - performance.now());
      setTimeout(() => {
        this.answer(request, Buffer.concat(chunks), response);
        this.lastAt = performance.now();
        this.inFlight--;
      }, wait);
    });
  }

  private answer(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const url = `${this.url}${(request.url ?? '/').slice(1)}`;
    const status = credentialsStatus(request, url, this.options.brokerWebId);
    if (status !== 200) {
      this.stats.refused++;
      response.writeHead(status, status === 401 ? { 'www-authenticate': 'DPoP' } : {}).end();
      return;
    }
    const match = POD_PATH.exec(new URL(url).pathname);
    const home = match ? Number(match[1]) : -1;
    if (!match || home >= this.options.homes || home % this.options.servers !== this.index) {
      this.stats.notFound++;
      response.writeHead(404).end();
      return;
    }
    const pod = simulatedPod(this.url, home);
    const layout = new PodLayout(pod);
    if (request.method === 'GET') {
      const text =
        url === layout.homeProfile
          ? this.documents.profile(pod, home)
          : url === layout.summaryDocument('temperature', MONTH)
            ? this.documents.summaries(pod, home)
            : null;
      if (text === null) {
        this.stats.notFound++;
        response.writeHead(404).end();
        return;
      }
      this.stats.gets++;
      response
        .writeHead(200, {
          'content-type': 'text/turtle',
          'content-length': Buffer.byteLength(text),
          etag: `"sim-${home}-${url.length}"`,
        })
        .end(text);
      return;
    }
    if (request.method === 'PUT' && url.startsWith(layout.accessLog) && url.endsWith('.ttl')) {
      // An access record: created once (If-None-Match: *), never overwritten, as CSS answers the broker.
      const fresh = !this.written.has(url);
      const valid = request.headers['content-type']?.startsWith('text/turtle') === true && body.length > 0;
      if (!valid) {
        response.writeHead(400).end();
        return;
      }
      if (!fresh && request.headers['if-none-match'] === '*') {
        response.writeHead(412).end();
        return;
      }
      this.written.add(url);
      this.stats.puts++;
      response.writeHead(fresh ? 201 : 205).end();
      return;
    }
    this.stats.notFound++;
    response.writeHead(404).end();
  }
}

/** The simulated servers of one bench run. */
export interface PodSimulator {
  /** Each server's base URL, `http://localhost:PORT/`, in server order. */
  readonly urls: string[];
  /** The pod of home `index`. */
  podOf(index: number): string;
  stats(): SimulatedServerStats[];
  stop(): Promise<void>;
}

/** Starts the simulated servers in this process. */
export async function startPodSimulator(input: SimulatorOptions): Promise<PodSimulator> {
  const options = simulatorOptionsSchema.parse(input);
  const documents = await homeDocuments(options.homesPerArea);
  const servers: SimulatedServer[] = [];
  for (let index = 0; index < options.servers; index++) {
    const server = createServer({ keepAliveTimeout: 60_000 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    servers.push(new SimulatedServer(server, `http://localhost:${port}/`, index, options, documents));
  }
  const urls = servers.map((server) => server.url);
  return {
    urls,
    podOf: (index) => simulatedPod(urls[index % urls.length]!, index),
    stats: () => servers.map((server) => server.summary()),
    stop: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

/** Messages from the simulator child. */
type ChildMessage = { ready: string[] } | { stats: SimulatedServerStats[] };

/**
 * Starts the simulated servers in a child process, so that their work is not counted as the broker's CPU or
 * memory. Same interface as `startPodSimulator`; `stats()` is asynchronous here.
 */
export async function spawnPodSimulator(
  input: SimulatorOptions,
): Promise<Omit<PodSimulator, 'stats'> & { stats(): Promise<SimulatedServerStats[]>; child: ChildProcess }> {
  const options = simulatorOptionsSchema.parse(input);
  const child = spawn(
    process.execPath,
    [resolve('bin/run-ts.js'), resolve('bench/pod-sim.ts'), '--serve', JSON.stringify(options)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const urls = await new Promise<string[]>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`the pod simulator exited (${code}) before it was ready`)));
    child.once('message', (message: ChildMessage) => {
      if ('ready' in message) done(message.ready);
    });
  });
  return {
    urls,
    child,
    podOf: (index) => simulatedPod(urls[index % urls.length]!, index),
    stats: () =>
      new Promise((done) => {
        const listener = (message: ChildMessage) => {
          if (!('stats' in message)) return;
          child.off('message', listener);
          done(message.stats);
        };
        child.on('message', listener);
        child.send('stats');
      }),
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The child side: `bench/pod-sim.ts --serve OPTIONS_JSON`, talking over IPC. */
async function serve(json: string): Promise<void> {
  const simulator = await startPodSimulator(simulatorOptionsSchema.parse(JSON.parse(json)));
  process.on('message', (message) => {
    if (message === 'stats') process.send!({ stats: simulator.stats() } satisfies ChildMessage);
  });
  process.once('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
  process.send!({ ready: simulator.urls } satisfies ChildMessage);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { serve: { type: 'string' } } });
  if (!values.serve) throw new Error('usage: bench/pod-sim.ts --serve OPTIONS_JSON (started by the benches)');
  await serve(values.serve);
}
