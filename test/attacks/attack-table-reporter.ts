// Vitest reporter for `npm run attacks`: one table row per attack test, and a closing count of attacks that succeeded.
import type { Reporter, TestModule } from 'vitest/node';
import type { Attack } from './attack.ts';

interface Row extends Attack {
  result: string;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Prints the attack table after the run; vitest's own exit code already fails the run on a succeeded attack. */
export default class AttackTableReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const rows: Row[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const attack = test.meta().attack;
        if (!attack) continue;
        const state = test.result().state;
        const result = state === 'passed' ? 'refused' : state === 'failed' ? 'SUCCEEDED' : state;
        rows.push({ ...attack, result });
      }
    }
    rows.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
    const lines = [
      '| attack | attacker | what the attacker tried | expected | result |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) => `| ${r.id} | ${cell(r.attacker)} | ${cell(r.tried)} | ${cell(r.expected)} | ${r.result} |`,
      ),
    ];
    const succeeded = rows.filter((r) => r.result === 'SUCCEEDED').length;
    const notRun = rows.filter((r) => r.result !== 'refused' && r.result !== 'SUCCEEDED').length;
    process.stdout.write(
      `\n${lines.join('\n')}\n\n${rows.length} attacks: ${succeeded} succeeded, ${rows.length - succeeded - notRun} refused, ${notRun} not run\n`,
    );
  }
}
