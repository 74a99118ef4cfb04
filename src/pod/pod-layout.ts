// Where homedata keeps things in a resident's pod: the one place that builds pod paths (see DESIGN.md, Pod layout).
import type { Property } from '../metrics/types.ts';
import { PROPERTIES } from '../metrics/types.ts';

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
    ];
  }

  /** The immutable hourly readings document for the UTC hour containing `time`. */
  readingsDocument(time: Date): string {
    return (
      `${this.readings}${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/` +
      `${pad(time.getUTCDate())}/${pad(time.getUTCHours())}.ttl`
    );
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

  /** The reports of one task (a prio3 request): what a consent to it lets both aggregators read. */
  reportTaskContainer(taskId: string): string {
    return `${this.reports}${encodeURIComponent(taskId)}/`;
  }

  /** The broker's access records for a month given as `YYYY-MM`. */
  accessLogDocument(month: string): string {
    return `${this.accessLog}${month}.ttl`;
  }

  /** The gateway's description: the platform and the sensors it hosts. */
  get gatewayDocument(): string {
    return `${this.devices}gateway`;
  }
}
