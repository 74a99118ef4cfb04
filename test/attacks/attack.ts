// Declares an attack test: a vitest `it` that carries who attacks, what they try and what must happen instead.
import { it, type TestContext } from 'vitest';

/** One row of the attack table printed by `npm run attacks`. */
export interface Attack {
  /** Review finding or short id, e.g. `H1`, `M3`. */
  id: string;
  /** Who attacks: council, resident with fake homes, hostile pod server, gateway, broker, anyone. */
  attacker: string;
  /** What the attacker tried, in one line. */
  tried: string;
  /** What homedata must do instead, in one line. */
  expected: string;
}

declare module 'vitest' {
  interface TaskMeta {
    attack?: Attack;
  }
}

/**
 * Runs `body` as one attack. The test passes when the attack fails; a passing test is a row "refused" in the
 * table, a failing one a row "SUCCEEDED", and `npm run attacks` then exits non-zero.
 */
export function attack(
  row: Attack,
  body: (context: TestContext) => Promise<void> | void,
  timeout?: number,
): void {
  it(
    `${row.id} ${row.attacker}: ${row.tried}`,
    async (context) => {
      context.task.meta.attack = row;
      await body(context);
    },
    timeout,
  );
}
