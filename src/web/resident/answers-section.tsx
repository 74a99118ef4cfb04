// The resident's answers: consents in force (each with Withdraw) and a history of refused, withdrawn and expired ones.
import { useState } from 'preact/hooks';
import { type ConsentContext, type ConsentListing, revokeConsent } from '../../consent/index.ts';
import { ConfirmDialog } from '../shared/confirm-dialog.tsx';
import { formatDate, formatDateTime, formatUntil } from '../shared/dates.ts';
import { Empty } from '../shared/status.tsx';
import type { Answers } from './answers-model.ts';
import { revokeChanges } from './request-words.ts';
import type { ResidentPod } from './resident-home.tsx';

interface AnswersProps {
  context: ConsentContext;
  pod: ResidentPod;
  answers: Answers;
  onAnswered: (message: string) => void;
}

/** A listing's title: the request's, or its id when the broker no longer lists it. */
function titleOf(listing: ConsentListing): string {
  return listing.request?.title ?? `Request ${listing.requestId}`;
}

/** Active consents and the history. */
export function AnswersSection({ context, pod, answers, onAnswered }: AnswersProps) {
  const [withdrawing, setWithdrawing] = useState<ConsentListing | null>(null);
  return (
    <section id="answers" aria-labelledby="answers-title">
      <h2 id="answers-title">Your answers</h2>
      <h3>Sharing now</h3>
      {answers.active.length === 0 ? (
        <Empty>You are not sharing figures with anyone.</Empty>
      ) : (
        <ul class="plain-list">
          {answers.active.map((listing) => (
            <li key={listing.requestId}>
              <article class="card consent active" data-request-id={listing.requestId}>
                <h4>{titleOf(listing)}</h4>
                <dl class="facts">
                  <dt>Who</dt>
                  <dd>{listing.request?.council.name ?? 'A council'}</dd>
                  <dt>Since</dt>
                  <dd>{formatDateTime(listing.record!.answeredAt)}</dd>
                  <dt>Until</dt>
                  <dd>{formatUntil(listing.record!.expiresAt!.toISOString())}</dd>
                </dl>
                <div class="actions">
                  <button type="button" class="danger" onClick={() => setWithdrawing(listing)}>
                    Withdraw consent
                  </button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      <h3>History</h3>
      {answers.history.length === 0 ? (
        <Empty>Nothing here yet: refused, withdrawn and expired answers are kept here.</Empty>
      ) : (
        <ul class="plain-list history">
          {answers.history.map((listing) => (
            <li key={listing.requestId} class="card" data-request-id={listing.requestId}>
              <strong>{titleOf(listing)}</strong> <span class="tag">{standingWords(listing)}</span>
            </li>
          ))}
        </ul>
      )}
      {withdrawing && (
        <ConfirmDialog
          title={`Withdraw your consent to “${titleOf(withdrawing)}”?`}
          changes={revokeChanges(
            withdrawing.request?.council.name ?? null,
            pod.layout,
            withdrawing.record?.targets ?? [],
          )}
          confirmLabel="Withdraw consent"
          danger
          onConfirm={async () => {
            await revokeConsent(context, withdrawing.requestId);
            onAnswered(
              `You withdrew your consent to “${titleOf(withdrawing)}”. The broker can no longer read your data for it.`,
            );
          }}
          onClose={() => setWithdrawing(null)}
        />
      )}
    </section>
  );
}

/** How a past answer ended, in words. */
function standingWords(listing: ConsentListing): string {
  const record = listing.record!;
  if (listing.standing === 'refused') return `You said no on ${formatDate(record.answeredAt.toISOString())}`;
  if (listing.standing === 'withdrawn') {
    return `Withdrawn on ${formatDate((record.withdrawnAt ?? record.answeredAt).toISOString())}`;
  }
  return record.expiresAt ? `Expired at ${formatUntil(record.expiresAt.toISOString())}` : 'Expired';
}
