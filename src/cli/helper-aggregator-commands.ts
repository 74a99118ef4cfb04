// CLI wiring for `homedata helper-aggregator`: the Prio3 helper as its own process, and its key generation.
import { Buffer } from 'node:buffer';
import type { Command } from 'commander';
import {
  createHelperApp,
  loadHelperConfig,
  readKeyFile,
  writeNewKeyFile,
} from '../broker/helper-aggregator.ts';
import { createLogger } from '../logging.ts';

/** Registers `helper-aggregator` (serve) and `helper-aggregator keygen`. */
export function registerHelperAggregatorCommands(program: Command): void {
  const helper = program
    .command('helper-aggregator')
    .description('Run the Prio3 helper aggregator (an independent party with its own key; no database)')
    .option('--config <file>', 'helper config file (JSON)')
    .action(async (flags: { config?: string }) => {
      if (!flags.config) {
        helper.help({ error: true });
        return;
      }
      const config = await loadHelperConfig(flags.config);
      const keys = await readKeyFile(config.keyFile);
      const logger = createLogger('helper-aggregator');
      const app = createHelperApp(
        {
          privateKey: keys.privateKey,
          verifyKey: Buffer.from(config.verifyKey, 'base64'),
          leaderToken: config.leaderToken,
          minimumBatch: config.minimumBatch,
        },
        logger,
      );
      const server = app.listen(config.port, config.host, () => {
        logger.info({ host: config.host, port: config.port }, 'helper aggregator listening');
      });
      const stop = () => server.close();
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
