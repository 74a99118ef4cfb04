// The consent module is bundled for the resident's browser page: it must not import Node-only modules or broker internals.
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const CONSENT_DIR = new URL('../../src/consent/', import.meta.url);

describe('the consent module', () => {
  it('imports no node: modules, no broker code but its pure-zod contract, no gateway code, and no vocab index (which loads SHACL from disk)', async () => {
    const files = (await readdir(CONSENT_DIR)).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const source = await readFile(new URL(file, CONSENT_DIR), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]!);
      for (const target of imports) {
        expect(target, `${file} imports ${target}`).not.toMatch(
          /^node:|\/broker\/(?!contract\.ts$)|\/gateway\/|vocab\/index|solid-session/,
        );
      }
    }
  });
});
