// The inbox: open requests for the resident's area or offered to the home's inbox, each in plain words with Yes and No.
import { useState } from 'preact/hooks';
import type { PublicRequest } from '../../broker/contract.ts';
import type { ConsentContext } from '../../consent/index.ts';
import { grantConsent, refuseConsent } from '../../consent/index.ts';
import type { RequestOffer } from '../../pod/browser.ts';
import { formatDateTime } from '../shared/dates.ts';
import { ConfirmDialog } from '../shared/confirm-dialog.tsx';
import { Empty } from '../shared/status.tsx';
import type { Answers } from './answers-model.ts';
import { RequestDescription } from './request-description.tsx';
import type { ResidentPod } from './resident-home.tsx';
import { grantChanges, refuseChanges } from './request-words.ts';

interface InboxProps {
  context: ConsentContext;
  pod: ResidentPod;
  answers: Answers;
  /** The offers in the home's inbox (LDN), newest first. */
  offers: readonly RequestOffer[];
  /** Whether the page hears of new offers as they arrive (its inbox subscription is open). */
  live: boolean;
  onAnswered: (message: string) => void;
}

/** A pending answer waiting for confirmation. */
type Pending = { kind: 'grant' | 'refuse'; request: PublicRequest };

/** The open requests and their confirmation dialogs. */
export function InboxSection({ context, pod, answers, offers, live, onAnswered }: InboxProps) {
  const [pending, setPending] = useState<Pending | null>(null);
  return (
    <section id="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Requests for your data</h2>
      {live && <p class="muted live-note">New requests appear here as they arrive in your pod’s inbox.</p>}
      {answers.inbox.length === 0 ? (
        <Empty>
          No open requests for your area right now. When a council asks, the request appears here.
        </Empty>
      ) : (
        <ul class="plain-list">
          {answers.inbox.map(({ request }) => (
            <li key={request!.id}>
              <article
                class="card request"
                aria-labelledby={`request-${request!.id}`}
                data-request-id={request!.id}
              >
                <h3 id={`request-${request!.id}`}>{request!.title}</h3>
                <RequestDescription request={request!} homeArea={pod.profile.area} />
                <OfferNote offer={offers.find((offer) => offer.requestId === request!.id)} />
                <div class="actions">
                  <button type="button" onClick={() => setPending({ kind: 'grant', request: request! })}>
                    Yes, share these figures
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => setPending({ kind: 'refuse', request: request! })}
                  >
                    No, thanks
                  </button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      {answers.elsewhere > 0 && (
        <p class="muted">
          {answers.elsewhere === 1
            ? 'One other open request covers'
            : `${answers.elsewhere} other open requests cover`}{' '}
          other areas, not yours{pod.profile.area ? ` (${pod.profile.area})` : ''}.
        </p>
      )}
      {pending?.kind === 'grant' && (
        <ConfirmDialog
          title={`Say yes to “${pending.request.title}”?`}
          changes={grantChanges(pending.request, pod.layout)}
          confirmLabel="Yes, share"
          onConfirm={async () => {
            await grantConsent(context, pending.request.id);
            onAnswered(
              `You said yes to “${pending.request.title}”. You can withdraw at any time under Your answers.`,
            );
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'refuse' && (
        <ConfirmDialog
          title={`Say no to “${pending.request.title}”?`}
          changes={refuseChanges(pending.request, pod.layout)}
          confirmLabel="No, do not share"
          onConfirm={async () => {
            await refuseConsent(context, pending.request.id);
            onAnswered(`You said no to “${pending.request.title}”. Nobody got access.`);
          }}
          onClose={() => setPending(null)}
        />
      )}
    </section>
  );
}

/** Where the request reached the home: the broker's offer in the pod's own inbox, when there is one. */
function OfferNote({ offer }: { offer: RequestOffer | undefined }) {
  if (!offer) return null;
  return (
    <p class="muted offer-note">
      The broker put this request in your pod’s inbox on {formatDateTime(offer.published)}.
    </p>
  );
}
