// The chosen request: start a run, follow it to the end, then show the released results.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CouncilRequest, RunView } from '../../broker/contract.ts';
import { messageOf } from '../shared/problem.ts';
import type { CouncilApi } from './council-api.ts';
import { ResultsView } from './results-view.tsx';

/** How often a running run is asked for its progress. */
const POLL_MS = 1000;

interface RequestDetailProps {
  api: CouncilApi;
  request: CouncilRequest;
  onRunFinished: () => void;
}

/** Runs and results of one request. */
export function RequestDetail({ api, request, onRunFinished }: RequestDetailProps) {
  const [run, setRun] = useState<RunView | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [resultsRound, setResultsRound] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setRun(null);
    setRefusal(null);
    heading.current?.focus();
  }, [request.id]);

  useEffect(() => {
    if (!run || run.state === 'done' || run.state === 'failed') return;
    const timer = window.setTimeout(() => {
      api.getRun(request.id, run.id).then(
        (next) => {
          setRun(next);
          if (next.state === 'done' || next.state === 'failed') {
            setResultsRound((value) => value + 1);
            onRunFinished();
          }
        },
        (error: unknown) =>
          setRun({
            ...run,
            state: 'failed',
            problem: { type: 'about:blank', title: 'Error', status: 0, detail: messageOf(error) },
          }),
      );
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [run, request.id]);

  const start = async () => {
    setRefusal(null);
    try {
      setRun(await api.startRun(request.id));
    } catch (error) {
      setRefusal(messageOf(error));
    }
  };

  const running = run !== null && (run.state === 'queued' || run.state === 'running');
  return (
    <section id="request-detail" aria-labelledby="request-detail-title">
      <h2 id="request-detail-title" tabIndex={-1} ref={heading}>
        {request.title}: runs and results
      </h2>
      {request.aggregation === 'prio3' ? (
        <p>
          A run adds up the Prio3 reports of every resident who agreed and still agrees: the broker and the
          independent helper aggregator each sum their own encrypted shares, and only the two sums together
          give the figures, released only for groups of at least {request.minCohort} homes. No one sees a
          home’s value.
        </p>
      ) : (
        <p>
          A run reads the daily summaries of every resident who agreed and still agrees, and releases figures
          only for groups of at least {request.minCohort} homes.
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={start} disabled={running}>
          {running ? 'Running…' : 'Run now'}
        </button>
      </div>
      {refusal && (
        <div class="notice error run-not-started" role="alert">
          <p>
            <strong>The run could not start.</strong> {refusal}
          </p>
        </div>
      )}
      {run && <RunStatus run={run} />}
      <ResultsView key={`${request.id}-${resultsRound}`} api={api} request={request} />
    </section>
  );
}

/** A run's state and progress, announced as it changes; a refusal by a disclosure rule says which rule. */
function RunStatus({ run }: { run: RunView }) {
  if (run.state === 'failed') {
    const refused = run.problem?.status === 409;
    return (
      <div class={`notice error ${refused ? 'run-refused' : 'run-failed'}`} role="alert">
        <p>
          <strong>
            {refused ? 'The broker refused to release figures from this run.' : 'The run failed.'}
          </strong>{' '}
          {run.problem?.detail ?? 'The broker gave no reason.'}
        </p>
        {refused && <p>Any figures below are from an earlier run.</p>}
      </div>
    );
  }
  return (
    <div class="run-status">
      <label for="run-progress">Run progress</label>
      <progress id="run-progress" max={100} value={run.progress}>
        {run.progress} %
      </progress>
      <p role="status">
        {run.state === 'done' ? 'Run finished.' : `Run ${run.state}: ${Math.round(run.progress)} %`}
      </p>
    </div>
  );
}
