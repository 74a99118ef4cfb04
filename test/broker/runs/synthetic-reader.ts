// A stand-in for the broker's audited pod reader in unit tests: synthetic homes whose January temperatures are known.
import type { ConsentedReader } from '../../../src/broker/aggregation/home-reader.ts';
import type { PodDocument } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { summaryQuads } from '../../../src/gateway/summary-rdf.ts';
import { daysOfMonth, type DailySummary } from '../../../src/metrics/index.ts';
import { homeProfileTurtle } from '../../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { serializeTurtle } from '../../../src/vocab/index.ts';

/** The area every synthetic home is in. */
export const AREA = 'E05018412';

/** The pod of synthetic home `index`. */
export const podOf = (index: number) => `https://pods.example/home-${index}/`;
/** The WebID of synthetic home `index`'s resident. */
export const webIdOf = (index: number) => `${podOf(index)}profile/card#me`;

/** January living-room temperatures of home `index`: every hour measured, a mean of 15 + index / 10 °C. */
function summariesOf(index: number): DailySummary[] {
  const mean = 15 + index / 10;
  return daysOfMonth('2026-01').map((date) => ({
    property: 'temperature',
    room: 'living-room',
    date,
    hoursInDay: 24,
    validHours: 24,
    count: 24,
    mean,
    min: mean,
    max: mean,
    hoursBelow18: mean < 18 ? 24 : 0,
    hoursBelow16: mean < 16 ? 24 : 0,
    daytimeHours: 16,
    daytimeMean: mean,
    nightHours: 9,
    nightHoursAbove26: 0,
  }));
}

/** Serves each synthetic home's profile and summaries as Turtle, recording every pod it reads in `reads`. */
export function syntheticReader(reads: string[]): ConsentedReader {
  return {
    async readUnderConsent<T>(
      consent: { pod: string },
      urls: readonly string[],
      options: { parse?: (response: Response, url: string) => Promise<T> } = {},
    ): Promise<PodDocument<T>[]> {
      const index = Number(/home-(\d+)/.exec(consent.pod)![1]);
      const layout = new PodLayout(consent.pod);
      reads.push(consent.pod);
      return Promise.all(
        urls.map(async (url) => {
          let text: string | null = null;
          if (url === layout.homeProfile) {
            const home = { area: AREA, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
            text = homeProfileTurtle(layout, home);
          } else if (url === layout.summaryDocument('temperature', '2026-01')) {
            text = serializeTurtle(
              summariesOf(index).flatMap((summary) => summaryQuads(summary, layout, 'Europe/London')),
            );
          }
          const body = text === null ? null : await options.parse!(new Response(text), url);
          return { url, status: text === null ? 404 : 200, etag: null, body };
        }),
      );
    },
  };
}
