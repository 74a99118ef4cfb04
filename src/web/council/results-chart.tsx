// A bar chart of one metric's means by area and period; a suppressed cell gets a dashed, labelled empty bar.
import uPlot from 'uplot';
import { useMemo } from 'preact/hooks';
import { axisUnit, joinWords } from '../shared/metric-words.ts';
import { SERIES_COLOURS, UplotChart, type ChartOptions } from '../shared/uplot-chart.tsx';
import type { ResultCell } from '../../broker/contract.ts';
import { chartDataOf, type MetricChartData } from './results-model.ts';

/** Draws a dashed outline with the word "suppressed" where a suppressed cell's bar would stand. */
function drawSuppressed(chart: uPlot, data: MetricChartData): void {
  const { ctx } = chart;
  const ratio = uPlot.pxRatio;
  const { top, height } = chart.bbox;
  const slot = Math.abs(chart.valToPos(1, 'x', true) - chart.valToPos(0, 'x', true)) || chart.bbox.width;
  const width = Math.min(slot * 0.6, 80 * ratio);
  ctx.save();
  ctx.strokeStyle = '#4a4f57';
  ctx.fillStyle = '#4a4f57';
  ctx.setLineDash([6 * ratio, 4 * ratio]);
  ctx.lineWidth = ratio;
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  data.suppressed.forEach((suppressed, index) => {
    if (!suppressed) return;
    const x = chart.valToPos(index, 'x', true);
    const barTop = top + height * 0.55;
    ctx.strokeRect(x - width / 2, barTop, width, top + height - barTop);
    ctx.save();
    ctx.translate(x, top + height - 8 * ratio);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText('suppressed', 0, 4 * ratio);
    ctx.restore();
  });
  ctx.restore();
}

/** uPlot options for one metric's bars. */
function chartOptions(metric: string, data: MetricChartData): ChartOptions {
  const indices = data.labels.map((_, index) => index);
  return {
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(data.labels.length - 0.5, 0.5)] },
      y: { range: (_chart, min, max) => [Math.min(0, min ?? 0), max && max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      {
        splits: () => indices,
        values: (_chart, splits) => splits.map((split) => (data.labels[split] ?? '').replace(' ', '\n')),
        size: 56,
        grid: { show: false },
      },
      { label: axisUnit(metric), size: 64 },
    ],
    series: [
      { label: 'Area and period' },
      {
        label: `Mean (${axisUnit(metric) || 'value'})`,
        stroke: SERIES_COLOURS[0],
        fill: `${SERIES_COLOURS[0]}cc`,
        paths: uPlot.paths.bars!({ size: [0.6, 80] }),
        points: { show: false },
      },
    ],
    legend: { show: false },
    cursor: { show: false },
    hooks: { draw: [(chart) => drawSuppressed(chart, data)] },
  };
}

/** The chart with a caption that names the suppressed cells in words. */
export function ResultsChart({ metric, cells, k }: { metric: string; cells: ResultCell[]; k: number }) {
  const data = useMemo(() => chartDataOf(cells, metric), [cells, metric]);
  const options = useMemo(() => chartOptions(metric, data), [metric, data]);
  const aligned = useMemo<uPlot.AlignedData>(
    () => [data.labels.map((_, index) => index), data.means],
    [data],
  );
  const suppressed = data.labels.filter((_, index) => data.suppressed[index]);
  return (
    <figure class="chart results-chart" data-suppressed={suppressed.length}>
      <figcaption>
        Mean by area and period
        {suppressed.length > 0 && (
          <span class="suppressed">
            {' '}
            (suppressed, fewer than {k} homes: {joinWords(suppressed)})
          </span>
        )}
      </figcaption>
      <UplotChart options={options} data={aligned} />
    </figure>
  );
}
