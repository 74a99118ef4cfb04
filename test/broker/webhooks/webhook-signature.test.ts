// Standard Webhooks signatures: the spec's test vector, and verification by the reference library.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  newWebhookSecret,
  signWebhook,
  webhookHeaders,
} from '../../../src/broker/webhooks/webhook-signature.ts';

describe('webhook signatures', () => {
  it("matches the Standard Webhooks reference libraries' test vector", () => {
    // The vector of the spec's reference libraries (standard-webhooks/standard-webhooks, libraries/*/tests).
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes headers the standardwebhooks package verifies, and it refuses a changed body', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({
      type: 'run.finished',
      timestamp: new Date().toISOString(),
      data: { runId: 'r' },
    });
    const headers = webhookHeaders(secret, 'msg_0123', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('"r"', '"s"'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('gives every webhook a different secret', () => {
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
  });
});
