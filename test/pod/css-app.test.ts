// The compiled pod servers must come from the installed CSS, or an upgrade would go unseen.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_IMPORTS,
  CSS_VARIANTS,
  CSS_VERSION,
  REGISTRATION_IMPORTS,
  configFor,
  generatedHeader,
} from '../../scripts/compile-css-app.js';

describe.each(
  CSS_VARIANTS.map((variant) => [`${variant.access}, registration ${variant.registration}`, variant]),
)('the compiled pod server (%s)', (_name, variant) => {
  // componentsjs merges list values from several config files in file-read order, so two compiles can list
  // equivalent handlers in a different order: the version stamp, not the text, is what can be compared.
  it('was compiled from the installed CSS version (else run `npm run build:css`)', async () => {
    const [firstLine] = (await readFile(variant.module, 'utf8')).split('\n', 1);
    expect(firstLine).toBe(generatedHeader(CSS_VERSION, variant));
  });

  it('differs from config/pod-server.json only in its authorization and registration imports', async () => {
    const [base, config] = await Promise.all([
      configFor({ access: 'wac', registration: 'open' }),
      configFor(variant),
    ]);
    const changed = config.import.filter((line) => !base.import.includes(line));
    expect(changed.sort()).toEqual(
      [
        ...(variant.access === 'wac' ? [] : ACCESS_IMPORTS.acp),
        ...(variant.registration === 'open' ? [] : REGISTRATION_IMPORTS.closed),
      ].sort(),
    );
    expect(config.import).toHaveLength(base.import.length);
  });

  it('keeps its internal data (accounts, sessions, subscriptions) through the backend store, not the full one', async () => {
    const compiled = await readFile(variant.module, 'utf8');
    expect(compiled).toMatch(
      /const urn_solid_server_default_JsonResourceStorage = new \(require\('@solid\/community-server'\)\.JsonResourceStorage\)\(urn_solid_server_default_ResourceStore_Backend,/,
    );
  });

  it("hashes passwords at bcrypt's lowest cost only where anyone may register (the demo and tests)", async () => {
    const compiled = await readFile(variant.module, 'utf8');
    const saltRounds = variant.registration === 'open' ? '4' : 'undefined';
    expect(compiled).toContain(`BasePasswordStore)(urn_solid_server_default_AccountStorage, ${saltRounds})`);
  });
});
