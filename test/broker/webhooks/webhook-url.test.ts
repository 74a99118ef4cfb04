// Which webhook URLs a council may register and the broker may call (SSRF): https public, http on loopback only if allowed.
import { describe, expect, it } from 'vitest';
import { checkWebhookAddress, webhookRegistrationSchema } from '../../../src/broker/webhooks/webhook-url.ts';

const strict = { allowHttpLoopback: false };
const demo = { allowHttpLoopback: true };
const accepts = (policy: typeof strict, url: string) =>
  webhookRegistrationSchema(policy).safeParse({ url }).success;

describe('webhook URLs', () => {
  it('accepts https on a public name and refuses plain http there', () => {
    expect(accepts(strict, 'https://hooks.council.example/homedata')).toBe(true);
    expect(accepts(strict, 'http://hooks.council.example/homedata')).toBe(false);
    expect(accepts(demo, 'http://hooks.council.example/homedata')).toBe(false);
  });

  it('refuses what is not a URL with a field error, not an exception', () => {
    for (const url of ['not a url', 'https://', 'javascript:alert(1)']) {
      expect(accepts(demo, url), url).toBe(false);
    }
  });

  it('refuses loopback unless the operator allows it, and then only loopback', () => {
    for (const url of [
      'http://127.0.0.1:9000/hook',
      'http://localhost:9000/hook',
      'http://[::1]:9000/hook',
    ]) {
      expect(accepts(strict, url), url).toBe(false);
      expect(accepts(demo, url), url).toBe(true);
    }
    for (const url of [
      'https://10.1.2.3/hook',
      'https://172.16.0.1/hook',
      'https://169.254.169.254/',
      'https://[fe80::1]/',
    ]) {
      expect(accepts(demo, url), url).toBe(false);
    }
  });

  it('refuses at call time what it refuses at registration', async () => {
    await expect(checkWebhookAddress('http://127.0.0.1:9000/hook', strict)).rejects.toMatchObject({
      reason: 'private-address',
    });
    await expect(checkWebhookAddress('https://10.0.0.5/hook', demo)).rejects.toMatchObject({
      reason: 'private-address',
    });
    await expect(checkWebhookAddress('http://127.0.0.1:9000/hook', demo)).resolves.toBeInstanceOf(URL);
  });
});
