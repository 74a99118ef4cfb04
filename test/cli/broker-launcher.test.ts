// `homedata-broker`: the launcher an operator starts runs `homedata broker` in the broker's memory profile
// (docs/aggregation.md, "Memory of one broker process").
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../bin/homedata-broker', import.meta.url));

/** Preloaded into the launched process: prints what it was started with, then exits before the CLI runs. */
const REPORT_AND_EXIT = `data:text/javascript,${encodeURIComponent(
  'console.log(JSON.stringify({ flags: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX, ' +
    'args: process.argv.slice(2) })); process.exit(0);',
)}`;

/** Runs the launcher with `args` and `env`; resolves with its exit code and standard output. */
function launch(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(LAUNCHER, args, {
      // The launcher runs the `node` on PATH: this one.
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('homedata-broker', () => {
  it('runs `homedata broker` with the memory profile and two malloc arenas', async () => {
    const { code, stdout } = await launch(['--config', 'broker.json'], {
      NODE_OPTIONS: `--import ${REPORT_AND_EXIT}`,
    });
    expect(code).toBe(0);
    const started = JSON.parse(stdout) as { flags: string[]; arenas: string; args: string[] };
    expect(started.flags).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=50']);
    expect(started.arenas).toBe('2');
    expect(started.args).toEqual(['broker', '--config', 'broker.json']);
  });

  it("answers with the broker's usage", async () => {
    const { code, stdout } = await launch(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: homedata broker');
  });
});
