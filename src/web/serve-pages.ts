// Serves the built pages (web-dist/) from the broker: the resident page at /resident/, the council page at /council/,
// and a small welcome page at / that links to both and to the API description.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';

/** Where `npm run build:web` writes the pages. */
export const WEB_DIST = fileURLToPath(new URL('../../web-dist/', import.meta.url));

/** Options of {@link pagesRouter}. */
export interface PagesOptions {
  /** The OIDC issuer the resident page offers first (the demo's pod server). */
  issuer: string;
  /** The built pages; default `web-dist/` of this checkout. */
  webDist?: string;
}

/**
 * The pages' own Content-Security-Policy. The resident page talks to the resident's identity provider and pod,
 * which may be any https server (or the configured issuer on plain http, as in the demo); nothing else loads
 * from elsewhere. Solid Notifications reach it over WebSockets (WebSocketChannel2023): `wss:`, or the issuer's own
 * server on plain `ws:` as in the demo.
 */
function contentSecurityPolicy(issuer: string): string {
  const origin = new URL(issuer).origin;
  return [
    "default-src 'self'",
    `connect-src 'self' https: wss: ${origin} ${origin.replace(/^http/, 'ws')}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Tells the browser to check for a newer build on every load: the file names do not change between builds. */
function setPageHeaders(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Cache-Control', 'no-cache');
}

/**
 * The broker's root: where a newcomer who opens the broker's URL is sent on. Plain HTML, no script or inline
 * style, so the pages' CSP holds as it is.
 */
const ROOT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>homedata broker</title></head>
<body>
<h1>homedata consent broker</h1>
<p>Councils see aggregates over enough consenting homes, never one home's readings.</p>
<ul>
<li><a href="/resident/">Residents</a>: see what your home shares and give or withdraw consent.</li>
<li><a href="/council/">Councils</a>: file a request and read its results.</li>
<li><a href="/api/openapi.json">API description</a> (OpenAPI 3.1).</li>
</ul>
</body>
</html>
`;

/** An express router with the root page, both pages and the resident page's `config.json`; mount it at the broker's root. */
export function pagesRouter(options: PagesOptions): Router {
  const webDist = options.webDist ?? WEB_DIST;
  const csp = contentSecurityPolicy(options.issuer);
  const router = Router();
  router.get('/', (_req, res) => {
    setPageHeaders(res, csp);
    res.type('html').send(ROOT_PAGE);
  });
  router.get('/resident/config.json', (_req, res) => {
    setPageHeaders(res, csp);
    res.json({ issuer: options.issuer });
  });
  for (const page of ['resident', 'council']) {
    router.use(
      `/${page}/`,
      express.static(join(webDist, page), { setHeaders: (res) => setPageHeaders(res, csp) }),
    );
    // Only reached when the page's index.html is missing: say how to build it rather than a bare 404.
    router.get(`/${page}/`, (_req, res) => {
      res.status(503).type('text/plain').send('The web pages are not built: run `npm run build:web`.');
    });
  }
  return router;
}
