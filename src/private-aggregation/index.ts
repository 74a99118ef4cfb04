// Private aggregation: Prio3 (VDAF) reports a home shards and encrypts to two aggregators, who sum shares they cannot read.
// May import src/metrics, src/privacy, src/vocab, src/errors.ts, n3, @divviup/prio3, @hpke/core: no fetch, no database, no clock.
export * from './sum-encoding.ts';
export * from './prio3-sum.ts';
export * from './share-codec.ts';
export * from './share-encryption.ts';
export * from './client-report.ts';
export * from './aggregator-preparation.ts';
export * from './collector-result.ts';
export * from './report-document.ts';
export * from './histogram-encoding.ts';
export * from './sum-vector-encoding.ts';
