// The logged-in resident's page: requests to answer, answers given, who read the data, and the home's own charts.
import { useMemo, useRef, useState } from 'preact/hooks';
import {
  BrokerClient,
  listConsents,
  type ConsentContext,
  findResidentPod,
  type ResidentSession,
} from '../../consent/index.ts';
import { PodLayout } from '../../pod/browser.ts';
import { Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import { AccessLogSection } from './access-log-section.tsx';
import { AnswersSection } from './answers-section.tsx';
import { sortAnswers } from './answers-model.ts';
import { readHomeView, type HomeView } from './home-profile.ts';
import { InboxSection } from './inbox-section.tsx';
import { MyHomeSection } from './my-home-section.tsx';
import { readInboxOffers } from './inbox-offers.ts';
import { usePodChanges } from './use-pod-changes.ts';
import { sweepNotice, sweepThenList } from './sign-in-sweep.ts';

/** The resident's pod and what the page knows about their home. */
export interface ResidentPod {
  layout: PodLayout;
  profile: HomeView;
}

/** Finds the pod, then shows everything that needs it. */
export function ResidentHome({ session }: { session: ResidentSession }) {
  const [pod, reloadPod] = useAsync(async (): Promise<ResidentPod> => {
    const layout = new PodLayout(await findResidentPod(session));
    return { layout, profile: await readHomeView(session.fetch, layout) };
  }, [session]);

  return (
    <>
      <nav class="sections" aria-label="Sections">
        <ul>
          <li>
            <a href="#inbox">Requests</a>
          </li>
          <li>
            <a href="#answers">Your answers</a>
          </li>
          <li>
            <a href="#access-log">Who read my data</a>
          </li>
          <li>
            <a href="#my-home">My home</a>
          </li>
        </ul>
      </nav>
      <main id="main">
        {pod.status === 'loading' && <Loading what="your pod" />}
        {pod.status === 'failed' && <Failure error={pod.error} retry={reloadPod} />}
        {pod.status === 'loaded' && <ResidentSections session={session} pod={pod.value} />}
      </main>
    </>
  );
}

/** The four sections, sharing the resident's consent context and answers. */
function ResidentSections({ session, pod }: { session: ResidentSession; pod: ResidentPod }) {
  const context = useMemo<ConsentContext>(
    () => ({ session, broker: new BrokerClient(window.location.origin, session.fetch), pod: pod.layout.pod }),
    [session, pod],
  );
  const [notice, setNotice] = useState<string | null>(null);
  // Signing in sweeps expired consents first, as `homedata consent sweep` does; reloads after an answer only list.
  const signingIn = useRef(true);
  const [listings, reloadListings] = useAsync(async () => {
    if (!signingIn.current) return listConsents(context);
    signingIn.current = false;
    const result = await sweepThenList(context);
    setNotice(sweepNotice(result));
    return result.listings;
  }, [context]);
  const [logRound, setLogRound] = useState(0);
  const [offers, reloadOffers] = useAsync(() => readInboxOffers(session.fetch, pod.layout), [session, pod]);
  const [logChanges, setLogChanges] = useState(0);
  // Solid Notifications instead of polling: an offer in the inbox brings its request in; a read the broker logs
  // shows under "Who read my data" (a record's document appears in the month's container; a new month's container
  // appears in the log).
  const inboxLive = usePodChanges(session.fetch, [pod.layout.inbox], () => {
    reloadOffers();
    reloadListings();
  });
  const month = new Date().toISOString().slice(0, 7);
  usePodChanges(session.fetch, [pod.layout.accessLog, pod.layout.accessLogMonth(month)], () =>
    setLogChanges((count) => count + 1),
  );

  const answered = (message: string) => {
    setNotice(message);
    reloadListings();
  };
  const offered = offers.status === 'loaded' ? offers.value : [];
  const answers =
    listings.status === 'loaded'
      ? sortAnswers(listings.value, pod.profile.area, new Set(offered.map((offer) => offer.requestId)))
      : null;

  return (
    <>
      {notice && (
        <p class="notice success" role="status">
          {notice}
        </p>
      )}
      {listings.status === 'loading' && <Loading what="requests and your answers" />}
      {listings.status === 'failed' && <Failure error={listings.error} retry={reloadListings} />}
      {answers && (
        <>
          <InboxSection
            context={context}
            pod={pod}
            answers={answers}
            offers={offered}
            live={inboxLive}
            onAnswered={answered}
          />
          <AnswersSection context={context} pod={pod} answers={answers} onAnswered={answered} />
        </>
      )}
      <AccessLogSection
        key={logRound}
        session={session}
        layout={pod.layout}
        listings={listings.status === 'loaded' ? listings.value : []}
        podChanges={logChanges}
        onReload={() => setLogRound((round) => round + 1)}
      />
      <MyHomeSection session={session} pod={pod} />
    </>
  );
}
