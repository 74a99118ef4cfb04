// The gateway's HTTP input answers errors through the one problem mapper: typed titles, no message on a 5xx.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageFullError } from '../../src/errors.ts';
import { httpInputApp } from '../../src/gateway/http-input.ts';
import type { ReadingIntake } from '../../src/gateway/reading-intake.ts';
import { createLogger } from '../../src/logging.ts';

const TOKEN = 'secret-token';
const logger = createLogger('test', 'silent');
let close: (() => void) | undefined;

afterEach(() => close?.());

/** Serves the input over an intake whose every call fails with `failure`; answers the URL. */
async function serve(failure: unknown): Promise<string> {
  const intake = {
    messages: () => Promise.reject(failure),
    refuse: () => Promise.resolve({ accepted: 0, duplicates: 0, quarantined: [] }),
  } as unknown as ReadingIntake;
  const server = httpInputApp(intake, TOKEN, logger).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Posts one valid batch. */
function post(url: string, body = '{"readings":[{"device":"d","time":"2026-01-01T00:00:00Z","values":{}}]}') {
  return fetch(new URL('readings', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

describe('HTTP input problems', () => {
  it('answers a full disk with 507 and a generic detail, never the message or the class name', async () => {
    const url = await serve(new StorageFullError('disk full under /var/lib/homedata/alice'));
    // The outbox writer logs the episode once; requests during it add no error lines.
    const errors = vi.spyOn(logger, 'error');
    const answer = await post(url);
    expect(answer.status).toBe(507);
    const problem = (await answer.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      type: 'https://homedata.dev/problems/insufficient-storage',
      title: 'Insufficient storage',
    });
    expect(JSON.stringify(problem)).not.toContain('alice');
    expect(errors).not.toHaveBeenCalled();
  });

  it('answers an unexpected failure with 503 so a webhook retries, without its message', async () => {
    const url = await serve(new Error('connection to /var/lib/homedata/alice lost'));
    const answer = await post(url);
    expect(answer.status).toBe(503);
    expect(JSON.stringify(await answer.json())).not.toContain('alice');
  });

  it('answers a body that is not JSON with 400 malformed-body, and an unknown path with 404', async () => {
    const url = await serve(new Error('unused'));
    const bad = await post(url, '{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'https://homedata.dev/problems/malformed-body' });
    const missing = await fetch(new URL('nowhere', url));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
