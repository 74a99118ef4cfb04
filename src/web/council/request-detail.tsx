// The chosen request: start a run, follow it to the end, then show the released results.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CouncilRequest } from '../../broker/requests/request-view.ts';
import { messageOf } from '../shared/problem.ts';
import type { CouncilApi, Run } from './council-api.ts';
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
  const [run, setRun] = useState<Run | null>(null);
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
        (error: unknown) => setRun({ ...run, state: 'failed', error: messageOf(error) }),
      );
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [run, request.id]);

  const start = async () => {
    setRefusal(null);
    try {
      const { id } = await api.startRun(request.id);
      setRun({ id, state: 'queued', progress: 0 });
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
      <p>
        A run reads the daily summaries of every resident who agreed and still agrees, and releases figures
        only for groups of at least {request.minCohort} homes.
      </p>
      <div class="actions">
        <button type="button" onClick={start} disabled={running}>
          {running ? 'Running…' : 'Run now'}
        </button>
      </div>
      {refusal && (
        <div class="notice error run-refused" role="alert">
          <p>
            <strong>The broker refused this run.</strong> {refusal}
          </p>
        </div>
      )}
      {run && <RunStatus run={run} />}
      <ResultsView key={`${request.id}-${resultsRound}`} api={api} request={request} />
    </section>
  );
}

/** A run's state and progress, announced as it changes. */
function RunStatus({ run }: { run: Run }) {
  if (run.state === 'failed') {
    return (
      <div class="notice error run-failed" role="alert">
        <p>
          <strong>The run failed.</strong> {run.error ?? 'The broker gave no reason.'}
        </p>
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
