// Prio3Report ↔ its JSON form on the leader → helper wire (base64 and hex; the sealed shares travel unopened).
import { Buffer } from 'node:buffer';
import type { Prio3Report, SumEncoding } from '../../private-aggregation/index.ts';
import type { z } from 'zod';
import type { forwardedReportSchema } from './helper-protocol.ts';

type ForwardedReport = z.infer<typeof forwardedReportSchema>;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A report as the leader forwards it. */
export function forwardReport(report: Prio3Report): ForwardedReport {
  return {
    reportId: Buffer.from(report.reportId).toString('hex'),
    publicShare: b64(report.publicShare),
    shares: report.shares.map((share) => ({ enc: b64(share.enc), ciphertext: b64(share.ciphertext) })),
  };
}

/** A forwarded report back in the task and encoding the job names. */
export function receiveReport(
  taskId: string,
  encoding: SumEncoding,
  forwarded: ForwardedReport,
): Prio3Report {
  const share = (index: number) => ({
    enc: Buffer.from(forwarded.shares[index]!.enc, 'base64'),
    ciphertext: Buffer.from(forwarded.shares[index]!.ciphertext, 'base64'),
  });
  return {
    taskId,
    reportId: Buffer.from(forwarded.reportId, 'hex'),
    encoding,
    publicShare: Buffer.from(forwarded.publicShare, 'base64'),
    shares: [share(0), share(1)],
  };
}
