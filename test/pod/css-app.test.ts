// The compiled pod server must come from the installed CSS, or an upgrade would go unseen.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CSS_APPS, CSS_VERSION, generatedHeader } from '../../scripts/compile-css-app.js';

describe('src/pod/css-app*.generated.cjs', () => {
  // componentsjs merges list values from several config files in file-read order, so two compiles can list
  // equivalent handlers in a different order: the version stamp, not the text, is what can be compared.
  it('was compiled from the installed CSS version (else run `npm run build:css`)', async () => {
    for (const { module, config } of CSS_APPS) {
      const [firstLine] = (await readFile(module, 'utf8')).split('\n', 1);
      expect(firstLine).toBe(generatedHeader(CSS_VERSION, config));
    }
  });
});
