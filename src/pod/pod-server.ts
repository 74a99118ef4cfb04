// Starts and stops Community Solid Server 7 in process, file-backed, bound to loopback unless told otherwise.
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { WinstonLogger, type App } from '@solid/community-server';
import { findFreePort } from '../free-port.ts';
import { PodError } from '../errors.ts';

export interface PodServerOptions {
  /** Folder for the server's files (accounts, pods). */
  dataDir: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. CSS itself listens on all; we default to loopback so a demo never exposes pods. */
  host?: string;
  /** CSS logging level. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /**
   * Whether anyone who reaches the server may create an account and pods through its account API (`open`: the
   * demo and tests provision residents that way) or nobody may (`closed`, the default: accounts come only from
   * `seedConfig`, so one person cannot invent residents; docs/security.md, H1 and L8).
   */
  registration?: 'open' | 'closed';
  /**
   * A CSS seed file (`[{ "email", "password", "pods": [{ "name" }] }]`): accounts and pods created at start. The
   * way an operator adds residents to a closed server; they then log in and make client credentials as usual.
   */
  seedConfig?: string;
  /**
   * Authorization system: Web Access Control (CSS's `webacl`, the default) or Access Control Policies (CSS's
   * `acp`, as some public-sector Solid servers run). homedata finds out which one a pod uses by discovery, so this
   * only chooses what the server runs.
   */
  access?: AccessControlSystem;
}

/** The two authorization systems a Solid server may use. */
export type AccessControlSystem = 'wac' | 'acp';

export interface PodServer {
  /** Base URL, always `http://localhost:PORT/` (CSS refuses plain-http WebIDs elsewhere). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly access: AccessControlSystem;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
type BuildCssApp = (variables: Record<string, unknown>) => App;

/**
 * config/pod-server.json (CSS's file storage, WAC and accounts) compiled ahead of time by
 * scripts/compile-css-app.js: the App that `AppRunner.create` would build, without its ~7 s of JSON-LD config
 * parsing on every start. The ACP variants are the same config with CSS's `acp` authorization and `.acr` auxiliary
 * resources; the closed variants with CSS's `identity/handler/no-accounts-pods.json`.
 */
/** The compiled module of each server variant (scripts/compile-css-app.js); a variant is loaded when asked for. */
function cssAppBuilder(access: AccessControlSystem, registration: 'open' | 'closed'): BuildCssApp {
  const name = `./css-app${access === 'acp' ? '-acp' : ''}${registration === 'closed' ? '-closed' : ''}.generated.cjs`;
  return require(name) as BuildCssApp;
}

/**
 * How long the server keeps an idle connection open. Node's default (5 s) is one second above undici's client
 * default (4 s), so a client whose event loop is busy for over a second can reuse a socket the server is closing and
 * fail with "other side closed" (seen in the demo, whose clients share a process with the broker). With the server
 * waiting longer than any client, the client always closes first.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * CSS 7 calls `server.listen(port)` with no host. We patch `listen` for the duration of start-up so
 * that a port-only call gets our host (and our keep-alive timeout); every other caller is left alone.
 */
async function withListenHost<T>(host: string, port: number, start: () => Promise<T>): Promise<T> {
  const original = Server.prototype.listen as (this: Server, ...args: unknown[]) => Server;
  Server.prototype.listen = function patchedListen(this: Server, ...args: unknown[]) {
    if (args.length === 1 && args[0] === port) {
      this.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return original.call(this, port, host);
    }
    return original.apply(this, args);
  } as typeof Server.prototype.listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = original;
  }
}

/**
 * CSS 7 imports oidc-provider through `jest.requireActual` whenever NODE_ENV is `test` (IdentityUtil.js), which
 * vitest sets; outside Jest that throws "jest is not defined" and every token request answers 500 (measured).
 * Give it the plain dynamic import it would use otherwise.
 */
function shimJestImportForCss(): void {
  const scope = globalThis as { jest?: unknown };
  if (process.env.NODE_ENV === 'test' && scope.jest === undefined) {
    scope.jest = { requireActual: (name: string) => import(name) };
  }
}

/**
 * CSS's WinstonLogger hands every message, debug ones included, to winston, which formats it (timestamp, colours,
 * printf) before its transport drops it for being below the level: 8% of the demo's provisioning CPU (profiled).
 * Dropping them first changes no output.
 */
function skipDisabledCssLogLevels(): void {
  const prototype = WinstonLogger.prototype as WinstonLogger & { homedataLevelCheck?: true };
  if (prototype.homedataLevelCheck) return;
  const write = prototype.log;
  prototype.log = function levelCheckedLog(this: WinstonLogger, level, message, meta): WinstonLogger {
    const winston = (this as unknown as { logger: { isLevelEnabled(level: string): boolean } }).logger;
    return winston.isLevelEnabled(level) ? write.call(this, level, message, meta) : this;
  };
  prototype.homedataLevelCheck = true;
}

/** Polls the account API, which answers only once the server has fully initialised. */
async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('.account/', url), { headers: { accept: 'application/json' } });
      if (response.ok) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new PodError('Pod server did not become ready', { url }, lastError);
}

/** Starts a Community Solid Server and resolves once it answers on its account API. */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const port = options.port === 0 ? await findFreePort() : options.port;
  const host = options.host ?? '127.0.0.1';
  const access = options.access ?? 'wac';
  const buildCssApp = cssAppBuilder(access, options.registration ?? 'closed');
  const url = `http://localhost:${port}/`;
  await mkdir(options.dataDir, { recursive: true });
  shimJestImportForCss();
  skipDisabledCssLogLevels();
  const variable = 'urn:solid-server:default:variable:';
  // The values AppRunner's shorthand resolver would give for `{ port, baseUrl, rootFilePath, loggingLevel }`.
  const app = buildCssApp({
    [`${variable}port`]: port,
    [`${variable}baseUrl`]: url,
    [`${variable}rootFilePath`]: resolve(options.dataDir),
    [`${variable}loggingLevel`]: options.logLevel ?? 'error',
    [`${variable}showStackTrace`]: false,
    [`${variable}socket`]: '',
    [`${variable}workers`]: 1,
    [`${variable}confirmMigration`]: false,
    [`${variable}seedConfig`]: options.seedConfig === undefined ? undefined : resolve(options.seedConfig),
  });
  await withListenHost(host, port, () => app.start());
  await waitUntilReady(url, 30_000);
  return {
    url,
    port,
    host,
    access,
    stop: () => app.stop(),
  };
}
