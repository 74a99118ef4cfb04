// A uPlot chart as a Preact component: sized to its container's width, rebuilt when its options or data change.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

/** Series colours: distinct hues, each at least 4.5:1 against white so thin lines stay visible. */
export const SERIES_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7e22ce', '#be123c', '#1b1b1b', '#0e7490'];

/** Options of a chart except its size, which follows the page. */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/**
 * Draws `data` with uPlot. The canvas is hidden from assistive technology: every chart on these pages comes
 * with its figures in text or a table beside it.
 */
export function UplotChart({
  options,
  data,
  height = 280,
}: {
  options: ChartOptions;
  data: uPlot.AlignedData;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const chart = new uPlot({ ...options, width: Math.max(element.clientWidth, 280), height }, data, element);
    const observer = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(element.clientWidth, 280), height }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return <div class="chart-area" ref={box} aria-hidden="true" />;
}
