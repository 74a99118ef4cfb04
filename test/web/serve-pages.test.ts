// The broker serves the built pages with their own CSP, the resident page's config, and a clear answer when unbuilt.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesRouter } from '../../src/web/serve-pages.ts';

describe('pages router', () => {
  let webDist: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    webDist = await mkdtemp(join(tmpdir(), 'homedata-web-'));
    await mkdir(join(webDist, 'resident'));
    await writeFile(join(webDist, 'resident', 'index.html'), '<!doctype html><title>resident</title>');
    const app = express().use(pagesRouter({ issuer: 'http://localhost:3000/', webDist }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(webDist, { recursive: true, force: true });
  });

  it('serves a page with a CSP that allows only this origin, https and the configured issuer to be called', async () => {
    const response = await fetch(`${base}/resident/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>resident</title>');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' https: wss: http://localhost:3000 ws://localhost:3000");
    expect(csp).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers the root with a page linking to both pages and the API description, under the same CSP', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    for (const link of ['/resident/', '/council/', '/api/openapi.json'])
      expect(html).toContain(`href="${link}"`);
    expect(html).not.toContain('<script');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('redirects the bare page path to its folder', async () => {
    const response = await fetch(`${base}/resident`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/resident/');
  });

  it('tells the resident page which identity provider to offer', async () => {
    expect(await (await fetch(`${base}/resident/config.json`)).json()).toEqual({
      issuer: 'http://localhost:3000/',
    });
  });

  it('says how to build a page that is not built', async () => {
    const response = await fetch(`${base}/council/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
