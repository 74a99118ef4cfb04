// One of the council's requests in the list: what it asks, its state and how many residents agreed.
import type { CouncilRequest } from '../../broker/contract.ts';
import { formatPeriod, formatUntil } from '../shared/dates.ts';
import { metricName } from '../shared/metric-words.ts';
import { consentProgressText } from './results-model.ts';

interface RequestCardProps {
  request: CouncilRequest;
  selected: boolean;
  onSelect: () => void;
}

/** A request as a card with a button that opens its runs and results. */
export function RequestCard({ request, selected, onSelect }: RequestCardProps) {
  const titleId = `request-${request.id}-title`;
  return (
    <article class="card" aria-labelledby={titleId} data-request-id={request.id}>
      <h3 id={titleId}>{request.title}</h3>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <span class="tag">{request.state === 'open' ? 'Open for consent' : 'Closed'}</span> until{' '}
          {formatUntil(request.consentUntil)}
        </dd>
        <dt>Consent</dt>
        <dd class="consent-progress">{consentProgressText(request.consents)}</dd>
        <dt>Figures</dt>
        <dd>{request.metrics.map(metricName).join('; ')}</dd>
        <dt>Areas</dt>
        <dd>{request.areas.join(', ')}</dd>
        <dt>Period</dt>
        <dd>
          {formatPeriod(request.period)}, by {request.granularity}
          {request.split === 'dwellingType' ? ', per area and dwelling type' : ', per area'}
        </dd>
        <dt>Minimum group</dt>
        <dd>{request.minCohort} homes</dd>
        <dt>Computed by</dt>
        <dd class="aggregation">
          {request.aggregation === 'prio3'
            ? 'Private aggregation (Prio3): the broker and an independent helper each add up encrypted shares'
            : 'The homedata broker, from the homes’ daily summaries'}
        </dd>
      </dl>
      <div class="actions">
        <button
          type="button"
          class={selected ? 'secondary' : undefined}
          aria-pressed={selected}
          onClick={onSelect}
        >
          {selected ? 'Shown below' : 'Runs and results'}
        </button>
      </div>
    </article>
  );
}
