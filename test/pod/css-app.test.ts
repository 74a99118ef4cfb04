// The compiled pod servers must come from the installed CSS, or an upgrade would go unseen.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_IMPORTS,
  CSS_APP_MODULES,
  CSS_VERSION,
  configFor,
  generatedHeader,
} from '../../scripts/compile-css-app.js';

describe.each(['wac', 'acp'] as const)('the compiled %s pod server', (access) => {
  // componentsjs merges list values from several config files in file-read order, so two compiles can list
  // equivalent handlers in a different order: the version stamp, not the text, is what can be compared.
  it('was compiled from the installed CSS version (else run `npm run build:css`)', async () => {
    const [firstLine] = (await readFile(CSS_APP_MODULES[access], 'utf8')).split('\n', 1);
    expect(firstLine).toBe(generatedHeader(CSS_VERSION, access));
  });

  it('differs from config/pod-server.json only in its authorization imports', async () => {
    const [wac, variant] = await Promise.all([configFor('wac'), configFor(access)]);
    const changed = variant.import.filter((line) => !wac.import.includes(line));
    expect(changed).toEqual(access === 'wac' ? [] : ACCESS_IMPORTS.acp);
    expect(variant.import).toHaveLength(wac.import.length);
  });
});
