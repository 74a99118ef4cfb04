// The `homedata` command line: parses arguments, runs one command, maps errors to a message and an exit code.
import { Command, CommanderError } from 'commander';
import { exitCodeFor, HomedataError } from '../errors.ts';

type Register = (program: Command) => void;

/** Each group of commands by module: a run loads only the group it needs (the others pull in express, PGlite…). */
const GROUPS: Record<string, () => Promise<Register>> = {
  demo: () => import('./demo-commands.ts').then((module) => module.registerDemoCommands),
  gateway: () => import('./gateway-commands.ts').then((module) => module.registerGatewayCommands),
  broker: () => import('./broker-commands.ts').then((module) => module.registerBrokerCommands),
  home: () => import('./home-commands.ts').then((module) => module.registerHomeCommands),
  consent: () => import('./consent-commands.ts').then((module) => module.registerConsentCommands),
};

/** The group of each top-level command. */
const GROUP_OF: Record<string, string> = {
  demo: 'demo',
  fixtures: 'demo',
  gateway: 'gateway',
  broker: 'broker',
  council: 'broker',
  audit: 'broker',
  home: 'home',
  consent: 'consent',
};

const program = new Command();
program
  .name('homedata')
  .description('Home sensor data in residents’ Solid pods; consented, k-anonymous aggregates for councils.')
  .showHelpAfterError()
  .exitOverride();

const group = GROUP_OF[process.argv[2] ?? ''];
const registers = await Promise.all(group ? [GROUPS[group]!()] : Object.values(GROUPS).map((load) => load()));
for (const register of registers) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof HomedataError ? `${error.problem} error` : 'error';
    process.stderr.write(`homedata: ${prefix}: ${message}\n`);
    if (process.env.HOMEDATA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
