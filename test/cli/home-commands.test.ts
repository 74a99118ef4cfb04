// `homedata home enrol|list|remove` on a PGlite folder: what the operator sees, and the exit codes of refusals.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerHomeCommands,
  runHomeEnrol,
  runHomeList,
  runHomeRemove,
} from '../../src/cli/home-commands.ts';
import { exitCodeFor } from '../../src/errors.ts';

const GATEWAY = 'https://pods.example/gw-1/profile/card#me';
const RESIDENT = 'https://pods.example/uprn-1/profile/card#me';

describe('homedata home', () => {
  let parent: string;
  let flags: { db: string };
  const output: string[] = [];
  const write = (text: string) => void output.push(text);
  /** What a command printed, then forgets it. */
  const printed = () => output.splice(0).join('');
  /** The exit code the CLI would end with for what `promise` throws. */
  const exitCode = (promise: Promise<unknown>) => promise.then(() => 0, exitCodeFor);

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'homedata-home-cli-'));
    flags = { db: join(parent, 'db') };
  });

  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('enrols, lists and removes a home', { timeout: 120_000 }, async () => {
    await runHomeList(flags, write);
    expect(printed()).toBe('No homes enrolled.\n');
    await runHomeEnrol(
      '100023336956',
      {
        ...flags,
        pod: 'https://pods.example/uprn-1/',
        gateway: GATEWAY,
        resident: RESIDENT,
        area: 'E05000001',
      },
      write,
    );
    expect(printed()).toMatch(/^Home 100023336956 enrolled/);
    await runHomeList(flags, write);
    const lines = printed().trim().split('\n');
    expect(lines[0]).toBe('home id\tpod\tgateway\tresident\tarea\tenrolled at');
    expect(lines[1]).toMatch(
      new RegExp(
        `^100023336956\\thttps://pods.example/uprn-1/\\t${GATEWAY}\\t${RESIDENT}\\tE05000001\\t\\d{4}-`,
      ),
    );

    // A duplicate id, the same pod under another id, a bad id, a bad pod: a message and a non-zero exit each.
    const again = { ...flags, pod: 'https://pods.example/uprn-1/', gateway: GATEWAY };
    expect(
      await exitCode(runHomeEnrol('100023336956', { ...again, pod: 'https://pods.example/x/' }, write)),
    ).toBe(5);
    expect(await exitCode(runHomeEnrol('other-id', again, write))).toBe(5);
    expect(await exitCode(runHomeEnrol('bad id!', { ...again, pod: 'https://pods.example/y/' }, write))).toBe(
      2,
    );
    expect(await exitCode(runHomeEnrol('y', { ...again, pod: 'https://pods.example/y' }, write))).toBe(2);
    expect(printed()).toBe('');

    await runHomeRemove('100023336956', flags, write);
    expect(printed()).toMatch(
      /^Home 100023336956 removed: consents from https:\/\/pods.example\/uprn-1\/ no longer count/,
    );
    expect(await exitCode(runHomeRemove('100023336956', flags, write))).toBe(5);
    await runHomeList(flags, write);
    expect(printed()).toBe('No homes enrolled.\n');
  });

  it('requires --pod and --gateway', async () => {
    const program = new Command().exitOverride();
    program.configureOutput({ writeErr: () => undefined });
    registerHomeCommands(program);
    await expect(
      program.parseAsync(['node', 'homedata', 'home', 'enrol', 'h1', '--gateway', GATEWAY]),
    ).rejects.toBeInstanceOf(CommanderError);
  });
});
