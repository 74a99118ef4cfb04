// Where homedata keeps things in a resident's pod: the one place that builds pod paths (README, Pod layout).
import { type Property, PROPERTIES } from '../metrics/index.ts';

/** Two-digit zero padding for path segments. */
function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The homedata paths of one pod. */
export class PodLayout {
  /** The pod root, ending in `/`. */
  readonly pod: string;
  /** `/homedata/` container. */
  readonly root: string;

  constructor(pod: string) {
    this.pod = pod.endsWith('/') ? pod : `${pod}/`;
    this.root = `${this.pod}homedata/`;
  }

  /** The home as the resident describes it (area code, dwelling type, time zone). */
  get homeProfile(): string {
    return `${this.root}home`;
  }

  get devices(): string {
    return `${this.root}devices/`;
  }

  get readings(): string {
    return `${this.root}readings/`;
  }

  get summaries(): string {
    return `${this.root}summaries/`;
  }

  get consents(): string {
    return `${this.root}consents/`;
  }

  get accessLog(): string {
    return `${this.root}access-log/`;
  }

  /**
   * The home's Linked Data Notifications inbox (advertised as `ldp:inbox`): the broker may only Append to it, an
   * `as:Offer` per council request for the home's area.
   */
  get inbox(): string {
    return `${this.root}inbox/`;
  }

  /** Private-aggregation reports (Prio3): the gateway appends, the aggregators of a consent read. */
  get reports(): string {
    return `${this.root}reports/`;
  }

  /** Every container the layout needs, parents first. */
  get containers(): string[] {
    return [
      this.root,
      this.devices,
      this.readings,
      this.summaries,
      ...PROPERTIES.map((property) => this.summaryContainer(property)),
      this.consents,
      this.accessLog,
      this.reports,
      this.inbox,
    ];
  }

  /**
   * The container of the UTC hour holding `time`. Each gateway flush adds one new, immutable document to it:
   * CSS rewrites a document whole on every N3 Patch, so an hourly document that grew through the hour cost the pod
   * server more with every flush (docs/gateway.md, "Pod writes").
   */
  readingsHour(time: Date): string {
    return (
      `${this.readings}${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/` +
      `${pad(time.getUTCDate())}/${pad(time.getUTCHours())}/`
    );
  }

  /** One flush's readings document in the hour's container, named `name` (the gateway uses a reading's key). */
  readingsDocument(time: Date, name: string): string {
    return `${this.readingsHour(time)}${encodeURIComponent(name)}.ttl`;
  }

  /** Container of one property's daily summaries. */
  summaryContainer(property: Property): string {
    return `${this.summaries}${property}/`;
  }

  /** Daily summaries of one property for a month given as `YYYY-MM`. */
  summaryDocument(property: Property, month: string): string {
    return `${this.summaryContainer(property)}${month}.ttl`;
  }

  /** The consent record answering one council request. */
  consentDocument(requestId: string): string {
    return `${this.consents}${encodeURIComponent(requestId)}.ttl`;
  }

  /**
   * A private-aggregation report: one metric over one period for one task (its two aggregators), under
   * `homedata/reports/<task>/<metric>/<period>.ttl`. The gateway appends it once; a second report in the same
   * document makes it malformed to the aggregators.
   */
  reportDocument(taskId: string, metricId: string, period: string): string {
    return `${this.reportTaskContainer(taskId)}${encodeURIComponent(metricId)}/${period}.ttl`;
  }

  /**
   * A home's vector report: its values of a task's sum metrics over one period in one report (issue 16), under
   * `homedata/reports/<task>/vector/<period>.ttl`. No metric id is `vector`, so it never meets a one-metric report.
   */
  vectorReportDocument(taskId: string, period: string): string {
    return `${this.reportTaskContainer(taskId)}vector/${period}.ttl`;
  }

  /** The reports of one task (a prio3 request): what a consent to it lets both aggregators read. */
  reportTaskContainer(taskId: string): string {
    return `${this.reports}${encodeURIComponent(taskId)}/`;
  }

  /** The container of the broker's access records for a month given as `YYYY-MM`. */
  accessLogMonth(month: string): string {
    return `${this.accessLog}${month}/`;
  }

  /**
   * One access record: a new small document per batch of reads, created once (an N3 Patch into one monthly
   * document made CSS rewrite the month on every run; docs/aggregation.md, "The access record").
   */
  accessRecordDocument(month: string, id: string): string {
    return `${this.accessLogMonth(month)}${encodeURIComponent(id)}.ttl`;
  }

  /** The monthly access log document the broker patched before issue 15; still read, never written. */
  legacyAccessLogDocument(month: string): string {
    return `${this.accessLog}${month}.ttl`;
  }

  /** The gateway's description: the platform and the sensors it hosts. */
  get gatewayDocument(): string {
    return `${this.devices}gateway`;
  }
}
