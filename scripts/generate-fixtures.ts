// Regenerates the demo fixtures: `node bin/run-ts.js scripts/generate-fixtures.ts --homes 24 --out pods-fixtures`.
import { parseArgs } from 'node:util';
import { ConfigError, exitCodeFor } from '../src/errors.ts';
import { writeFixtures } from '../src/fixtures/write-fixtures.ts';

try {
  const { values } = (() => {
    try {
      return parseArgs({
        options: {
          homes: { type: 'string', default: '24' },
          out: { type: 'string', default: 'pods-fixtures' },
          seed: { type: 'string', default: 'homedata' },
        },
      });
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  })();
  const set = await writeFixtures({ homes: Number(values.homes), seed: values.seed, outDir: values.out });
  console.log(`wrote ${set.homes.length} homes (seed ${set.seed}) to ${values.out}`);
} catch (error) {
  console.error(`generate-fixtures: ${(error as Error).message}`);
  process.exitCode = exitCodeFor(error);
}
