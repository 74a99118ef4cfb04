// A loopback HTTP server that plays an attacker's pod: redirects, trickling bodies, huge documents, silence.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the hostile server does for one path. */
export type HostileBehaviour =
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  | { kind: 'trickle'; byteEveryMs: number; contentType?: string; status?: number }
  | { kind: 'huge'; bytes: number; contentType?: string; declareLength?: boolean; status?: number }
  | { kind: 'silent' }
  /** Answers `status` to the first `failures` requests, then behaves as `then` (a pod server shedding load). */
  | { kind: 'flaky'; failures: number; status: number; then: HostileBehaviour }
  | { kind: 'answer'; status: number; body: string; contentType?: string; headers?: Record<string, string> };

/** A running hostile server; `requests` lists every path it was asked for, in order. */
export interface HostileServer {
  readonly url: string;
  readonly requests: { method: string; path: string; authorization?: string }[];
  /** Sets what a path (exact, from `/`; or every path it begins when it ends in `*`) answers; others answer 404. */
  on(path: string, behaviour: HostileBehaviour): void;
  stop(): Promise<void>;
}

/** Starts a hostile server on 127.0.0.1 with a free port; its URL uses `localhost`, as pod servers here do. */
export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, HostileBehaviour>();
  const requests: HostileServer['requests'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const failedSoFar = new Map<string, number>();
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    let behaviour =
      routes.get(path) ??
      [...routes].find(([route]) => route.endsWith('*') && path.startsWith(route.slice(0, -1)))?.[1];
    if (behaviour?.kind === 'flaky') {
      const failed = failedSoFar.get(path) ?? 0;
      if (failed < behaviour.failures) {
        failedSoFar.set(path, failed + 1);
        res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('try later');
        return;
      }
      behaviour = behaviour.then;
    }
    if (!behaviour) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    switch (behaviour.kind) {
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location }).end();
        return;
      case 'answer':
        res
          .writeHead(behaviour.status, {
            'content-type': behaviour.contentType ?? 'text/turtle',
            ...behaviour.headers,
          })
          .end(behaviour.body);
        return;
      case 'silent':
      case 'flaky':
        return;
      case 'huge': {
        const headers: Record<string, string | number> = {
          'content-type': behaviour.contentType ?? 'text/turtle',
        };
        if (behaviour.declareLength) headers['content-length'] = behaviour.bytes;
        res.writeHead(behaviour.status ?? 200, headers);
        const chunk = Buffer.alloc(64 * 1024, '# padding padding padding\n');
        let left = behaviour.bytes;
        const pump = (): void => {
          while (left > 0) {
            const part = chunk.subarray(0, Math.min(chunk.length, left));
            left -= part.length;
            if (!res.write(part)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      case 'trickle': {
        res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'text/turtle' });
        const timer = setInterval(() => res.write('#'), behaviour.byteEveryMs);
        timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  };

  const server = createServer(serve);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    requests,
    on: (path, behaviour) => routes.set(path, behaviour),
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
