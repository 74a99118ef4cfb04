// A hook for data a component loads: its state (loading, failed, loaded) and a way to load it again.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** Where a load stands. */
export type AsyncState<T> =
  { status: 'loading' } | { status: 'failed'; error: unknown } | { status: 'loaded'; value: T };

/**
 * Runs `load` now and whenever `deps` change; `reload` runs it again. New deps show "loading"; a reload keeps
 * what is shown until the new value arrives, so components under it keep their state. Answers of superseded
 * loads are dropped.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  // The caller lists what `load` depends on, as with useEffect.
  const run = useCallback(load, deps);
  const previousRun = useRef(run);
  useEffect(() => {
    let current = true;
    if (previousRun.current !== run) setState({ status: 'loading' });
    previousRun.current = run;
    run().then(
      (value) => current && setState({ status: 'loaded', value }),
      (error: unknown) => current && setState({ status: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [run, round]);
  return [state, () => setRound((value) => value + 1)];
}
