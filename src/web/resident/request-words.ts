// Says a council request, and what answering it changes, in plain words for the resident.
import type { PublicRequest } from '../../broker/contract.ts';
import { grantTargets } from '../../consent/index.ts';
import type { PodLayout } from '../../pod/browser.ts';
import { formatPeriod, formatUntil } from '../shared/dates.ts';
import { joinWords, metricName, propertiesRead, summariesPhrase } from '../shared/metric-words.ts';
import { purposeWords } from '../shared/purpose-words.ts';

/** A request as the inbox shows it. */
export interface RequestWords {
  /** "Northbridge Borough Council asks for figures to improve public services." */
  headline: string;
  /** Each figure asked for, by name. */
  figures: string[];
  /** Where the figures come from in the pod. */
  source: string;
  areas: string;
  period: string;
  until: string;
  minimumGroup: string;
  /** Present when differential privacy adds noise. */
  noise: string | null;
  /** What the council never gets. */
  notSeen: string[];
}

/** The request in plain words; `homeArea` marks the resident's own area. */
export function describeRequest(request: PublicRequest, homeArea: string | null): RequestWords {
  const areas = request.areas.map((area) => (area === homeArea ? `${area} (your area)` : area));
  return {
    headline: `${request.council.name} asks for figures to ${purposeWords(request.purpose)}.`,
    figures: request.metrics.map(metricName),
    source: `Worked out from the ${summariesPhrase(propertiesRead(request.metrics))} in your pod, never from your minute-by-minute readings.`,
    areas: `${areas.length === 1 ? 'Area' : 'Areas'} ${joinWords(areas)}`,
    period: `${formatPeriod(request.period)}, ${request.granularity === 'week' ? 'week by week' : 'month by month'}`,
    until: `Your yes counts until ${formatUntil(request.consentUntil)}, unless you withdraw it sooner.`,
    minimumGroup: `Figures are only released for groups of at least ${request.minCohort} homes; smaller groups are hidden.`,
    noise:
      request.dp === null
        ? null
        : `Random noise is added to every figure so no home can be worked out from it (ε = ${request.dp.epsilon}).`,
    notSeen: [
      'your name, address or WebID',
      'your readings, or any figure about your home alone',
      'whether you said yes or no',
    ],
  };
}

/** A pod resource as the resident knows it: the path inside their pod. */
function podPath(layout: PodLayout, url: string): string {
  return url.startsWith(layout.pod) ? url.slice(layout.pod.length) : url;
}

/** Exactly what saying yes changes in the resident's pod and at the broker. */
export function grantChanges(request: PublicRequest, layout: PodLayout): string[] {
  if (request.aggregation === 'prio3') return prio3GrantChanges(request, layout);
  const targets = grantTargets(layout, request.metrics).map((url) => podPath(layout, url));
  return [
    `A consent record is saved in your pod at ${podPath(layout, layout.consentDocument(request.id))}.`,
    `The homedata broker may read ${joinWords(targets)} (the ${summariesPhrase(propertiesRead(request.metrics))}, and your home’s area and dwelling type) until ${formatUntil(request.consentUntil)}.`,
    'It may add a line to your access log each time it reads, so you can see it here.',
    'It cannot read your raw readings, your devices or anything else in your pod.',
    `${request.council.name} gets only figures for groups of at least ${request.minCohort} homes.`,
    'You can withdraw at any time; the broker loses access at once.',
  ];
}

/** What saying yes to a prio3 request changes: both aggregators read the home's reports, neither its summaries. */
function prio3GrantChanges(request: PublicRequest, layout: PodLayout): string[] {
  const reports = podPath(layout, layout.reportTaskContainer(request.id));
  return [
    `A consent record is saved in your pod at ${podPath(layout, layout.consentDocument(request.id))}.`,
    `Your gateway writes its figures for this request to ${reports}, each split into two encrypted shares: one only the homedata broker can open, one only the independent helper aggregator can open. Neither share alone says anything about your home.`,
    `The broker may read ${reports} and your home’s area and dwelling type, and the helper may read ${reports}, until ${formatUntil(request.consentUntil)}.`,
    'Neither can read your summaries, raw readings, devices or anything else in your pod.',
    `${request.council.name} gets only totals for groups of at least ${request.minCohort} homes, added up from both aggregators’ shares.`,
    'You can withdraw at any time; both lose access at once.',
  ];
}

/** Exactly what saying no changes. */
export function refuseChanges(request: PublicRequest, layout: PodLayout): string[] {
  return [
    `A record saying you refused is saved in your pod at ${podPath(layout, layout.consentDocument(request.id))}.`,
    'Nobody gets access to anything, and the request leaves your inbox.',
    `${request.council.name} is not told who refused.`,
  ];
}

/** Exactly what withdrawing a given consent changes; `granted` are the resources its record lets the broker read. */
export function revokeChanges(
  councilName: string | null,
  layout: PodLayout,
  granted: readonly string[],
): string[] {
  const targets = granted.map((url) => podPath(layout, url));
  return [
    `The broker’s permission to read ${joinWords(targets)} is removed now, except what another active consent of yours still needs.`,
    'Your consent record is marked as withdrawn, with today’s date.',
    `Your home is left out of every future run${councilName ? ` for ${councilName}` : ''}; figures already released stay as they are.`,
  ];
}
