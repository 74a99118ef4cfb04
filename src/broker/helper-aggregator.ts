// The broker part's face for the Prio3 helper aggregator: a server of its own, with its own key, identity and database.
// Kept apart from ./index.ts so that starting the helper does not load the broker, its database and its queue.
export {
  createHelperApp,
  DEFAULT_MAX_BATCH_QUERY_COUNT,
  MAX_OPEN_JOBS,
  type HelperSettings,
} from './private-aggregation/helper-app.ts';
export {
  helperConfigSchema,
  loadHelperConfig,
  readKeyFile,
  writeNewKeyFile,
  type HelperConfig,
} from './private-aggregation/helper-config.ts';
export { startHelperAggregator, type RunningHelper } from './private-aggregation/helper-server.ts';
