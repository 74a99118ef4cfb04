// CLI wiring for `homedata demo` and `homedata fixtures generate`.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '../logging.ts';
import { runDemo, type DemoOptions } from '../demo/index.ts';
import { writeFixtures } from '../fixtures/index.ts';

/** Parses a whole number within bounds, for commander options. */
export function integerOption(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('Start a pod server with the fixture homes, the broker and live gateways on localhost')
    .option('--data-dir <dir>', 'folder for pods, broker database and the manifest', './.homedata')
    .option('--pod-port <n>', 'pod server port', integerOption(1, 65535), 3000)
    .option('--broker-port <n>', 'broker port', integerOption(1, 65535), 3001)
    .option('--homes <n>', 'number of fixture homes', integerOption(1, 999), 24)
    .option('--live-homes <n>', 'homes with a live simulated gateway', integerOption(0, 999), 3)
    .addOption(
      new Option('--access <system>', "the pod server's authorization: WAC or ACP (Access Control Policies)")
        .choices(['wac', 'acp'])
        .default('wac'),
    )
    .option(
      '--private-aggregation',
      'also run a prio3 request: helper aggregator as its own process, gateways write Prio3 reports, a council run through leader and helper',
    )
    .action(async (options: DemoOptions) => {
      const log = createLogger('demo');
      const demo = await runDemo(options, log);
      const { manifest } = demo;
      const first = manifest.residents[0];
      const lines = [
        '',
        'homedata demo is running (Ctrl-C to stop)',
        `  pod server      ${manifest.podServer} (${options.access === 'acp' ? 'ACP' : 'WAC'})`,
        `  broker          ${manifest.broker ?? '(not started)'}`,
        `  resident page   ${demo.pages.resident}`,
        `  council page    ${demo.pages.council}`,
        `  manifest        ${demo.manifestPath}`,
        manifest.privateAggregation
          ? `  helper          ${manifest.privateAggregation.helper} (prio3 request ${manifest.privateAggregation.requestId})`
          : '',
        `  homes           ${manifest.residents.length} residents, ${manifest.gateways.length} gateways`,
        first ? `  resident login  ${first.email} / ${first.password}  (all logins in the manifest)` : '',
        ...manifest.councils.map((council) => `  council key     ${council.name}: ${council.apiKey}`),
        '',
      ];
      process.stdout.write(lines.filter((line) => line !== '').join('\n') + '\n');
      const signal = await untilStopSignal();
      log.info({ signal }, 'stopping');
      await demo.stop();
    });

  program
    .command('fixtures')
    .description('Fixture data for tests and the demo')
    .command('generate')
    .description('Write the deterministic fixture population and its readings')
    .option('--homes <n>', 'number of homes', integerOption(1, 999), 24)
    .option('--out <dir>', 'output folder', './pods-fixtures')
    .action(async (options: { homes: number; out: string }) => {
      await writeFixtures({ homes: options.homes, outDir: options.out });
      process.stdout.write(`wrote ${options.homes} homes to ${options.out}\n`);
    });
}
