// The latest results of a request: a chart and a table per metric, suppressed cells marked, and a CSV download.
import { useState } from 'preact/hooks';
import type { CouncilRequest } from '../../broker/contract.ts';
import { formatDateTime } from '../shared/dates.ts';
import { formatFigure, metricName } from '../shared/metric-words.ts';
import { messageOf, ProblemError } from '../shared/problem.ts';
import { Empty, Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import type { ResultCell, ResultsDocument } from '../../broker/contract.ts';
import type { CouncilApi } from './council-api.ts';
import { ResultsChart } from './results-chart.tsx';
import {
  bandLabelsOf,
  bandText,
  cellsOfMetric,
  csvFileName,
  homesText,
  leftOutText,
  metricsOf,
  placeOf,
} from './results-model.ts';

/** Loads and shows the results; "none yet" is a state of its own, not an error. */
export function ResultsView({ api, request }: { api: CouncilApi; request: CouncilRequest }) {
  const [results, reload] = useAsync(
    () =>
      api.getResults(request.id).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return null;
        throw error;
      }),
    [api, request.id],
  );
  if (results.status === 'loading') return <Loading what="results" />;
  if (results.status === 'failed') return <Failure error={results.error} retry={reload} />;
  if (results.value === null) return <Empty>No results yet: run the request to get figures.</Empty>;
  return <ResultTables api={api} results={results.value} />;
}

/** Every metric of a result, and the download. */
function ResultTables({ api, results }: { api: CouncilApi; results: ResultsDocument }) {
  return (
    <div class="results" data-run-id={results.run}>
      <h3>Results</h3>
      <p>From the run that finished {formatDateTime(results.runAt)}.</p>
      <p>
        Figures released for groups of at least {results.k} homes
        {results.epsilon !== null &&
          `, with random noise added (differential privacy, ε = ${results.epsilon})`}
        . Smaller groups are shown as suppressed, without a count.
      </p>
      <p>
        Homes left out: a home whose sensors measured under 75 % of a period&apos;s hours, or whose sensor was
        stuck (one value for a day or more, counted as not measured), is not in that figure. These counts are
        rounded and withheld below {results.k} like the home counts, and not shown for a cell withheld because
        it would combine with an earlier release.
      </p>
      <CsvDownload api={api} results={results} />
      {metricsOf(results.cells).map((metric) => (
        <MetricResults
          key={metric}
          metric={metric}
          cells={cellsOfMetric(results.cells, metric)}
          k={results.k}
        />
      ))}
    </div>
  );
}

/** A figure column of a results table: its header and a released cell's text in it. */
interface FigureColumn {
  header: string;
  text: (cell: ResultCell) => string;
}

/** A metric's figures by area and period: homes, then `columns`; a suppressed cell spans them, without a count. */
function FiguresTable(props: {
  id: string;
  caption: string;
  cells: ResultCell[];
  k: number;
  columns: FigureColumn[];
}) {
  const { id, caption, cells, k, columns } = props;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-title ${id}-caption`}>
      <table id={id} class="figures">
        <caption id={`${id}-caption`}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Area</th>
            <th scope="col">Period</th>
            <th scope="col" class="number">
              Homes
            </th>
            {columns.map((column) => (
              <th key={column.header} scope="col" class="number">
                {column.header}
              </th>
            ))}
            <th scope="col">Homes left out</th>
          </tr>
        </thead>
        <tbody>
          {cells.map((cell) => (
            <tr
              key={`${placeOf(cell)}-${cell.period}`}
              class={cell.suppressed ? 'suppressed-row' : undefined}
            >
              <th scope="row">{placeOf(cell)}</th>
              <td>{cell.period}</td>
              {cell.suppressed ? (
                <td class="suppressed" colSpan={columns.length + 1}>
                  {homesText(cell, k)}
                </td>
              ) : (
                <>
                  <td class="number">{homesText(cell, k)}</td>
                  {columns.map((column) => (
                    <td key={column.header} class="number">
                      {column.text(cell)}
                    </td>
                  ))}
                </>
              )}
              <td class="left-out">{leftOutText(cell, k)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One metric: chart first, then the same figures as a table; a banded metric (no mean to chart) as a table of
 * homes per band.
 */
function MetricResults({ metric, cells, k }: { metric: string; cells: ResultCell[]; k: number }) {
  const tableId = `results-${metric.replace(/\W/g, '-')}`;
  const labels = bandLabelsOf(cells);
  return (
    <section class="metric-results" aria-labelledby={`${tableId}-title`}>
      <h4 id={`${tableId}-title`}>{metricName(metric)}</h4>
      {labels === null ? (
        <>
          <ResultsChart metric={metric} cells={cells} k={k} />
          <FiguresTable
            id={tableId}
            caption="Figures by area and period"
            cells={cells}
            k={k}
            columns={[{ header: 'Mean', text: (cell) => formatFigure(metric, cell.mean) }]}
          />
        </>
      ) : (
        <FiguresTable
          id={tableId}
          caption="Homes in each band, by area and period"
          cells={cells}
          k={k}
          columns={labels.map((label, index) => ({ header: label, text: (cell) => bandText(cell, index) }))}
        />
      )}
    </section>
  );
}

/** Downloads the broker's CSV of the same results (fetched with the key, saved through a temporary link). */
function CsvDownload({ api, results }: { api: CouncilApi; results: ResultsDocument }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const blob = await api.getResultsCsv(results.request);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = csvFileName(results.request, results.run);
      document.body.append(link);
      link.click();
      link.remove();
      // Give the browser time to start the download before the URL goes.
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      <button type="button" class="secondary" onClick={download} disabled={busy}>
        {busy ? 'Preparing CSV…' : 'Download CSV'}
      </button>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
