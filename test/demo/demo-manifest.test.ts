// The demo manifest says whether it is complete: `ready` is false until the last write (and in older manifests).
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/demo/demo-files.ts';

const early = {
  podServer: 'http://localhost:3000/',
  broker: null,
  residents: [],
  gateways: [],
  brokerWebId: 'http://localhost:3000/broker/profile/card#me',
  councils: [],
};

describe('the demo manifest', () => {
  it('reads a manifest without `ready` as not ready', () => {
    expect(manifestSchema.parse(early).ready).toBe(false);
  });

  it('keeps `ready: true` from the last write', () => {
    expect(manifestSchema.parse({ ...early, broker: 'http://localhost:8080/', ready: true }).ready).toBe(
      true,
    );
  });
});
