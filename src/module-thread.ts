// Starts a module of this package on a worker thread, whether the package runs compiled (dist/) or from TypeScript.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Runs `name` (a module beside `from`, named without its extension: the `.ts` source or the compiled `.js`, as `from`
 * is) on a new worker thread.
 */
export function startModuleThread(from: string, name: string, options: WorkerOptions): Worker {
  const fromSource = from.endsWith('.ts');
  const main = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, from);
  if (!fromSource) return new Worker(main, options);
  // From TypeScript sources (tsx, vitest) the thread loads tsx itself: a worker inherits no registered loader.
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(main.href)}); })`,
    { ...options, eval: true },
  );
}
