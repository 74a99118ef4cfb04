// The helper's own database on PGlite in a data folder: what it keeps survives a restart of the helper.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { helperStoreCases } from './helper-store-cases.ts';

let parent: string;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'homedata-helper-store-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('the helper database on PGlite', () => {
  helperStoreCases(() => ({ kind: 'pglite', dir: join(parent, 'helper-data') }));
});
