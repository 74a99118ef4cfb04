// Which modules a child Node process and its own children load: an `--import`ed probe logs every module URL to a file.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A probe for the children of one test: pass `nodeOptions` in their NODE_OPTIONS, then read `loaded()`. */
export interface ModuleProbe {
  /** `--import` of the probe, for NODE_OPTIONS (children of the child inherit it too). */
  readonly nodeOptions: string;
  /** The URL of every module loaded so far, in load order (after realpath: a symlinked module shows its target). */
  loaded(): Promise<string[]>;
}

/**
 * Writes a probe into `dir` (a folder of the test's own): a module that registers a `load` hook (node:module
 * `register`), which appends each URL to `dir`/loaded.log. Production code needs no hook of its own, and a hook sees
 * what the process really ran, which no output of the CLI tells apart (the bundle prints what the modules print).
 */
export async function writeModuleProbe(dir: string): Promise<ModuleProbe> {
  const log = join(dir, 'loaded.log');
  await writeFile(
    join(dir, 'loaded-hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      `export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`,
      '',
    ].join('\n'),
  );
  const probe = join(dir, 'loaded-probe.mjs');
  await writeFile(
    probe,
    "import { register } from 'node:module';\nregister('./loaded-hooks.mjs', import.meta.url);\n",
  );
  return {
    nodeOptions: `--import ${pathToFileURL(probe).href}`,
    async loaded() {
      try {
        return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}
