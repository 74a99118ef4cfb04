// The errors `homedata audit verify` ends with: the chain is broken, or residents' access logs disagree with it.
import { HomedataError } from '../../errors.ts';
import type { ChainBreak } from './audit-chain.ts';
import type { PodAuditFinding } from './pod-audit-check.ts';

/** The audit log's hash chain is broken at a row: it was edited or deleted after it was written. */
export class AuditChainBrokenError extends HomedataError {
  constructor(firstBad: ChainBreak) {
    super('audit-tampered', 500, `Audit log tampered at row ${firstBad.seq}: ${firstBad.reason}`, {
      ...firstBad,
    });
  }
}

/** Residents' access logs disagree with the broker's audit log: rows missing or changed on one side. */
export class AuditPodMismatchError extends HomedataError {
  constructor(findings: readonly PodAuditFinding[]) {
    const first = findings.find((finding) => finding.kind !== 'pod-unreadable') ?? findings[0]!;
    super(
      'audit-tampered',
      500,
      `Audit log and residents' access logs disagree: ${findings.length} finding(s), first ${describeFinding(first)}`,
      { findings: findings.length },
    );
  }
}

/** One finding as a line for the operator. */
export function describeFinding(finding: PodAuditFinding): string {
  switch (finding.kind) {
    case 'missing-in-pod':
      return `row ${finding.seq} is in the database but not in ${finding.document}`;
    case 'differs-in-pod':
      return `row ${finding.seq} differs between the database and ${finding.document}`;
    case 'missing-in-database':
      return `row ${finding.seq} is in ${finding.document} but not in the database (deleted?)`;
    case 'pod-unreadable':
      return `could not read ${finding.document}: ${finding.detail}`;
  }
}
