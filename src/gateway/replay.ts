// Gateway face for `gateway replay`: CSV files replayed through a running gateway. Apart from index.ts so that
// `gateway run` does not load the CSV parser and luxon (the CSV time formats), which only a replay uses.
// May import what index.ts may.
export { replayCsv, type ReplayOptions, type ReplayReport } from './csv-replay.ts';
export { checkTimeFormat, parseColumnSpec, type CsvColumn, type CsvMapping } from './csv-readings.ts';
