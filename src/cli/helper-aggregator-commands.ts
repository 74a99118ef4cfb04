// CLI wiring for `homedata helper-aggregator`: the Prio3 helper as its own process, and its key generation.
import type { Command } from 'commander';
import { loadHelperConfig, startHelperAggregator, writeNewKeyFile } from '../broker/helper-aggregator.ts';
import { createLogger } from '../logging.ts';

/** Registers `helper-aggregator` (serve) and `helper-aggregator keygen`. */
export function registerHelperAggregatorCommands(program: Command): void {
  const helper = program
    .command('helper-aggregator')
    .description('Run the Prio3 helper aggregator (an independent party: its own key, identity and database)')
    .option('--config <file>', 'helper config file (JSON)')
    .action(async (flags: { config?: string }) => {
      if (!flags.config) {
        helper.help({ error: true });
        return;
      }
      const config = await loadHelperConfig(flags.config);
      const logger = createLogger('helper-aggregator');
      const running = await startHelperAggregator(config, logger);
      // A plain line at every log level: the demo and the tests wait for it (as for the broker's).
      process.stdout.write(`Helper aggregator listening at ${running.url} as ${running.webId}\n`);
      const stop = () => {
        running.stop().catch((error: unknown) => logger.error({ err: error }, 'helper stop failed'));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  helper
    .command('keygen')
    .description('Write a new HPKE key pair for the helper and print its public key')
    .requiredOption('--out <file>', 'key file to create (refuses to overwrite)')
    .action(async (flags: { out: string }) => {
      const publicKey = await writeNewKeyFile(flags.out);
      process.stdout.write(
        `Key pair written to ${flags.out}. Public key (give it to the broker and the homes):\n${publicKey}\n`,
      );
    });
}
