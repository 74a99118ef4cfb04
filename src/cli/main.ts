// The `homedata` command line: parses arguments, runs one command, maps errors to a message and an exit code.
import { Command, CommanderError } from 'commander';
import { exitCodeFor, HomedataError } from '../errors.ts';
import { registerDemoCommands } from './demo-commands.ts';
import { registerGatewayCommands } from './gateway-commands.ts';
import { registerBrokerCommands } from './broker-commands.ts';
import { registerConsentCommands } from './consent-commands.ts';

const program = new Command();
program
  .name('homedata')
  .description('Home sensor data in residents’ Solid pods; consented, k-anonymous aggregates for councils.')
  .showHelpAfterError()
  .exitOverride();

registerDemoCommands(program);
registerGatewayCommands(program);
registerBrokerCommands(program);
registerConsentCommands(program);

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
