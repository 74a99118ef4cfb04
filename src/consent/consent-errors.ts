// The error a resident gets when a grant failed and undoing it failed too: what may be left behind and how to fix it.
import { HomedataError } from '../errors.ts';

/** What an undone grant may have left in the resident's pod. */
export type GrantLeftover = 'consent-record' | 'broker-read';

/**
 * A grant failed, and so did putting things back. The pod may still hold the new consent record (saying
 * ConsentGiven) and/or the broker's Read on what the request needs; `homedata consent revoke` removes both. The
 * cause is an AggregateError of the grant's error and the rollback's errors.
 */
export class GrantRollbackError extends HomedataError {
  constructor(
    context: { requestId: string; record: string; leftBehind: GrantLeftover[] },
    grantError: unknown,
    rollbackErrors: readonly unknown[],
  ) {
    const left = context.leftBehind.map((item) =>
      item === 'consent-record'
        ? `the consent record ${context.record}`
        : "the broker's Read access (its ACL entries) on your home profile and summaries",
    );
    super(
      'grant-rollback-failed',
      grantError instanceof HomedataError ? grantError.status : 502,
      `Consent to ${context.requestId} failed (${messageOf(grantError)}), and undoing it failed too ` +
        `(${rollbackErrors.map(messageOf).join('; ')}). Your pod may still hold ${left.join(' and ')}. ` +
        `Run \`homedata consent revoke ${context.requestId}\` to remove them.`,
      { ...context },
      new AggregateError([grantError, ...rollbackErrors], 'grant and rollback failed'),
    );
  }
}

/** A thrown value's message. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
