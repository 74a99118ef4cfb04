// Vitest reporter for `npm run faults`: one table row per fault of issue 12, with the figures its test measured.
import type { Reporter, TestModule } from 'vitest/node';
import { FAULTS, type FaultId, type FaultRow } from './fault.ts';

/** A figure, or `—` where the fault has none. */
function figure(value: number | boolean | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return String(value);
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Prints the fault table after the run; a fault without a test in this run is listed as not run. */
export default class FaultTableReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const rows = new Map<FaultId, { row: FaultRow; result: string }[]>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const row = test.meta().fault;
        if (!row) continue;
        const state = test.result().state;
        const result = state === 'passed' ? 'pass' : state === 'failed' ? 'FAIL' : state;
        rows.set(row.id, [...(rows.get(row.id) ?? []), { row, result }]);
      }
    }
    const lines = [
      '| fault | how injected | readings sent | readings in the pod | lost | duplicated | runs finished with same figures | result |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    let failed = 0;
    let notRun = 0;
    for (const id of Object.keys(FAULTS) as FaultId[]) {
      const measured = rows.get(id);
      if (!measured) {
        notRun++;
        lines.push(`| ${cell(FAULTS[id])} | not injected in this run | | | | | | not run |`);
        continue;
      }
      for (const { row, result } of measured) {
        if (result !== 'pass') failed++;
        lines.push(
          `| ${cell(FAULTS[id])} | ${cell(row.injected)} | ${figure(row.sent)} | ${figure(row.inPod)} | ` +
            `${figure(row.lost)} | ${figure(row.duplicated)} | ${figure(row.sameFigures)} | ${result} |`,
        );
      }
    }
    const total = Object.keys(FAULTS).length;
    process.stdout.write(
      `\n${lines.join('\n')}\n\n${total} faults: ${total - failed - notRun} passed, ${failed} failed, ${notRun} not run\n`,
    );
  }
}
