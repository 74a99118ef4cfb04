// Writing to a real pod server: the races a pod sees when several writers create the same containers at once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureContainer } from '../../src/pod/resource-write.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';

describe('ensureContainer', () => {
  const server = inject('podServer');
  let owner: TestActor;

  beforeAll(async () => {
    owner = await createActor(server, 'containers');
  });

  afterAll(async () => {
    await owner?.agent.logout();
  });

  it('succeeds when a child creates the same parent at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const parent = `${owner.identity.pod}race-${round}/`;
      const children = Array.from({ length: 6 }, (_, index) => `${parent}child-${index}/`);
      await Promise.all([parent, ...children].map((url) => ensureContainer(owner.agent.fetch, url)));
      const listing = await owner.agent.fetch(parent, { headers: { accept: 'text/turtle' } });
      expect(listing.status).toBe(200);
      const body = await listing.text();
      for (let index = 0; index < 6; index += 1) expect(body).toContain(`child-${index}/`);
    }
  });

  it('leaves an existing container and its members alone', async () => {
    const container = `${owner.identity.pod}kept/`;
    await ensureContainer(owner.agent.fetch, `${container}inner/`);
    await ensureContainer(owner.agent.fetch, container);
    const listing = await owner.agent.fetch(container, { headers: { accept: 'text/turtle' } });
    expect(await listing.text()).toContain('inner/');
  });
});
