// One measure of the resident's home as a line per room, with each room's range in words beside it.
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { PROPERTY_NAMES, PROPERTY_UNITS, withUnit } from '../shared/metric-words.ts';
import { SERIES_COLOURS, UplotChart, type ChartOptions } from '../shared/uplot-chart.tsx';
import { roomName, type HomeView } from './home-profile.ts';
import { alignByRoom, roomRange, type ChartWindow } from './home-readings.ts';

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const HOUR = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

interface HomeChartProps {
  window: ChartWindow;
  /** Daily summaries (one point a day) rather than readings. */
  daily: boolean;
  profile: HomeView;
}

/** The chart and its text alternative. */
export function HomeChart({ window, daily, profile }: HomeChartProps) {
  const aligned = useMemo(() => alignByRoom(window.points), [window]);
  const options = useMemo<ChartOptions>(
    () => ({
      scales: { x: { time: true, range: [window.from, window.to] } },
      axes: [
        {
          values: (_chart, splits) =>
            splits.map((split) => (daily ? DAY : HOUR).format(new Date(split * 1000))),
        },
        { label: PROPERTY_UNITS[window.property], size: 60 },
      ],
      // The list under the chart names each line, with its colour and its range in words.
      legend: { show: false },
      series: [
        { label: daily ? 'Day' : 'Time' },
        ...aligned.rooms.map((room, index) => ({
          label: roomName(profile, room),
          stroke: SERIES_COLOURS[index % SERIES_COLOURS.length],
          width: 2,
          spanGaps: true,
          points: { show: daily },
        })),
      ],
    }),
    [aligned, daily, profile, window],
  );
  const data = useMemo<uPlot.AlignedData>(() => [aligned.times, ...aligned.values], [aligned]);
  const what = daily
    ? `${window.property === 'energy' ? 'Energy used per day' : `Daily average ${PROPERTY_NAMES[window.property]}`}`
    : `${PROPERTY_NAMES[window.property].charAt(0).toUpperCase()}${PROPERTY_NAMES[window.property].slice(1)} readings`;

  return (
    <figure class="chart home-chart">
      <figcaption>{what}, by room</figcaption>
      <UplotChart options={options} data={data} />
      <ul class="chart-summary">
        {aligned.rooms.map((room, index) => {
          const range = roomRange(window.points, room)!;
          return (
            <li key={room}>
              <span class="swatch" style={{ background: SERIES_COLOURS[index % SERIES_COLOURS.length] }} />
              {roomName(profile, room)}: from {withUnit(range.min, window.property)} to{' '}
              {withUnit(range.max, window.property)}, average {withUnit(range.mean, window.property)}
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
