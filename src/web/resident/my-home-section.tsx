// "My home": the resident's own readings as charts, per measure, over the last 24 hours, 7 or 30 days of data.
import { useState } from 'preact/hooks';
import type { ResidentSession } from '../../consent/index.ts';
import { PROPERTIES, type Property } from '../../metrics/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import { FieldGroup } from '../shared/form-field.tsx';
import { PROPERTY_NAMES } from '../shared/metric-words.ts';
import { Empty, Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import { HomeChart } from './home-chart.tsx';
import { dayWindow, readLastDay, readRecentDays, type ChartWindow } from './home-readings.ts';
import type { ResidentPod } from './resident-home.tsx';
import { readStuckSensors, stuckSensorText } from './sensor-health.ts';

/** The spans a resident can pick; a day comes from hourly readings, longer spans from daily summaries. */
const SPANS = [
  { id: 'day', label: 'Last 24 hours', days: 1 },
  { id: 'week', label: 'Last 7 days', days: 7 },
  { id: 'month', label: 'Last 30 days', days: 30 },
] as const;
type SpanId = (typeof SPANS)[number]['id'];

/** A property's name with a capital, for the choice list. */
function propertyLabel(property: Property): string {
  const name = PROPERTY_NAMES[property];
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The section: two choices and the chart they select. */
export function MyHomeSection({ session, pod }: { session: ResidentSession; pod: ResidentPod }) {
  const [property, setProperty] = useState<Property>('temperature');
  const [span, setSpan] = useState<SpanId>('day');
  // A day of readings holds every property: read it once and keep it while the resident switches measures.
  const [lastDay, reloadDay] = useAsync(() => readLastDay(session.fetch, pod.layout), [session, pod]);
  const [days, reloadDays] = useAsync(
    () =>
      span === 'day'
        ? Promise.resolve(null)
        : readRecentDays(session.fetch, pod.layout, property, SPANS.find((entry) => entry.id === span)!.days),
    [session, pod, property, span],
  );

  // Sensors that look dead or stuck, whatever measure is shown: the resident is the one who can fix them.
  const [stuck] = useAsync(() => readStuckSensors(session.fetch, pod.layout), [session, pod]);
  const loaded = span === 'day' ? lastDay : days;
  const chart: ChartWindow | null =
    span === 'day'
      ? lastDay.status === 'loaded' && lastDay.value && lastDay.value.length > 0
        ? dayWindow(lastDay.value, property)
        : null
      : days.status === 'loaded'
        ? days.value
        : null;

  return (
    <section id="my-home" aria-labelledby="my-home-title">
      <h2 id="my-home-title">My home</h2>
      <p class="muted">Read straight from your pod; nobody else sees these charts.</p>
      {stuck.status === 'loaded' && stuck.value.length > 0 && (
        <div class="notice warning sensor-health" role="status" aria-label="Sensors that look dead or stuck">
          <ul>
            {stuck.value.map((sensor) => (
              <li
                key={`${sensor.property}-${sensor.room}`}
                data-stuck-sensor={`${sensor.room} ${sensor.property}`}
              >
                {stuckSensorText(sensor, pod.profile)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div class="chart-choices">
        <FieldGroup id="chart-property" label="Measure">
          {PROPERTIES.map((option) => (
            <label class="choice" key={option}>
              <input
                type="radio"
                name="chart-property"
                value={option}
                checked={property === option}
                onChange={() => setProperty(option)}
              />
              <span>{propertyLabel(option)}</span>
            </label>
          ))}
        </FieldGroup>
        <FieldGroup id="chart-span" label="Time span">
          {SPANS.map((option) => (
            <label class="choice" key={option.id}>
              <input
                type="radio"
                name="chart-span"
                value={option.id}
                checked={span === option.id}
                onChange={() => setSpan(option.id)}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </FieldGroup>
      </div>
      {loaded.status === 'loading' && <Loading what="your readings" />}
      {loaded.status === 'failed' && (
        <Failure error={loaded.error} retry={span === 'day' ? reloadDay : reloadDays} />
      )}
      {loaded.status === 'loaded' &&
        (chart && chart.points.length > 0 ? (
          <HomeChart window={chart} daily={span !== 'day'} profile={pod.profile} />
        ) : (
          <Empty>
            No {PROPERTY_NAMES[property]} {span === 'day' ? 'readings' : 'daily summaries'} in your pod yet.
            They appear once your home’s gateway has sent some.
          </Empty>
        ))}
      {chart && chart.points.length > 0 && (
        <p class="muted">
          Showing the newest data in your pod: {formatDateTime(new Date(chart.from * 1000))} to{' '}
          {formatDateTime(new Date(chart.to * 1000))}.
        </p>
      )}
    </section>
  );
}
