// The audit key: 32 random bytes in a file outside the database (0600), made on first use, refused if others can read it.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors.ts';

/** Bytes of a key: 256 bits; RFC 2104 §3 advises against HMAC keys shorter than the hash output (32 for SHA-256). */
const KEY_BYTES = 32;

/** Permission bits for group and others: a key file with any of them set is refused. */
const GROUP_OR_WORLD = 0o077;

/**
 * Reads the audit key from `path`. With `create`, a missing file is made first (0600, 32 random bytes; its folder
 * 0700 if missing) and `onCreate` told where, as the broker and `homedata demo` do on first start; without it (`homedata audit verify`), a
 * missing file is a ConfigError. A file that group or others may access, or shorter than 32 bytes, is refused.
 */
export async function loadAuditKey(
  path: string,
  options: { create: boolean; onCreate?: (path: string) => void },
): Promise<Buffer> {
  if (options.create) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // `wx`: never overwrite a key another broker process made a moment ago (that would orphan its rows).
    const made = await writeFile(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' }).then(
      () => true,
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return false;
      },
    );
    if (made) options.onCreate?.(path);
  }
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    throw new ConfigError(
      `The audit key file ${path} is missing: give the broker's auditKeyFile (its config or --audit-key)`,
      { auditKeyFile: path },
    );
  }
  if (process.platform !== 'win32' && (mode & GROUP_OR_WORLD) !== 0) {
    throw new ConfigError(
      `Refusing the audit key file ${path}: group or others may access it (mode ` +
        `${(mode & 0o777).toString(8).padStart(3, '0')}); run \`chmod 600 ${path}\``,
      { auditKeyFile: path },
    );
  }
  const key = await readFile(path);
  if (key.length < KEY_BYTES) {
    throw new ConfigError(`The audit key file ${path} holds fewer than ${KEY_BYTES} bytes`, {
      auditKeyFile: path,
    });
  }
  return key;
}
