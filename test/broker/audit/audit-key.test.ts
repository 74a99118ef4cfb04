// The audit key file: made 0600 with 32 random bytes on first start, refused when others may read it.
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKey } from '../../../src/broker/audit/audit-key.ts';
import { ConfigError } from '../../../src/errors.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homedata-audit-key-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('the audit key file', () => {
  it('is made 0600 with 32 random bytes when absent, and read back unchanged', async () => {
    const path = join(dir, 'new', 'broker-audit.key');
    const key = await loadAuditKey(path, { create: true });
    expect(key).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadAuditKey(path, { create: true })).toEqual(key);
    expect(await loadAuditKey(path, { create: false })).toEqual(key);
  });

  it('is refused when group or others may read it, naming the fix', async () => {
    const path = join(dir, 'open.key');
    await writeFile(path, Buffer.alloc(32, 7));
    await chmod(path, 0o644);
    const error = await loadAuditKey(path, { create: true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/group or others may access it \(mode 644\).*chmod 600/);
  });

  it('is refused when shorter than 32 bytes', async () => {
    const path = join(dir, 'short.key');
    await writeFile(path, Buffer.alloc(16, 7), { mode: 0o600 });
    await expect(loadAuditKey(path, { create: false })).rejects.toThrow(/fewer than 32 bytes/);
  });

  it('is not made by a command that only verifies', async () => {
    await expect(loadAuditKey(join(dir, 'absent.key'), { create: false })).rejects.toThrow(/missing/);
  });
});
