// `npm run bench -- NAME [options]`: dispatches to one benchmark; each prints a table and one JSON line.
const benchmarks: Record<string, () => Promise<{ main: (argv: string[]) => Promise<void> }>> = {
  gateway: () => import('./gateway.ts'),
  broker: () => import('./broker.ts'),
  'broker-sim': () => import('./broker-sim.ts'),
  demo: () => import('./demo.ts'),
  outbox: () => import('./outbox.ts'),
  intake: () => import('./intake.ts'),
  'gateway-rss': () => import('./gateway-rss.ts'),
  soak: () => import('./soak.ts'),
  backfill: () => import('./backfill.ts'),
  prio3: () => import('./prio3.ts'),
};

const [name, ...argv] = process.argv.slice(2);
const load = name ? benchmarks[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]\n`);
  process.exit(2);
}
await (await load()).main(argv);
