// The error `homedata audit verify` ends with when the chain is broken.
import { HomedataError } from '../../errors.ts';
import type { ChainBreak } from './audit-chain.ts';

/** The audit log's hash chain is broken at a row: it was edited or deleted after it was written. */
export class AuditChainBrokenError extends HomedataError {
  constructor(firstBad: ChainBreak) {
    super('audit-tampered', 500, `Audit log tampered at row ${firstBad.seq}: ${firstBad.reason}`, {
      ...firstBad,
    });
  }
}
