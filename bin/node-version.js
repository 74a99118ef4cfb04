// Refuses to start on a Node older than homedata supports, with one clear line instead of a crash in a dependency.
// Plain JavaScript with no imports, written for old Nodes too: it runs before anything that would fail on them.

/** Oldest Node major homedata supports; package.json `engines` says the same. */
export const OLDEST_NODE_MAJOR = 20;

/**
 * The message for a Node version that is too old, or undefined when it is new enough.
 * @param {string} version a version string as `process.version` gives it, e.g. "v18.19.0"
 * @returns {string | undefined}
 */
export function nodeTooOldMessage(version) {
  const match = /^v?(\d+)\./.exec(version);
  const major = match ? Number(match[1]) : NaN;
  // An unreadable version string is let through: refusing a Node we cannot read would be the bigger surprise.
  if (Number.isNaN(major) || major >= OLDEST_NODE_MAJOR) return undefined;
  return 'homedata needs Node ' + OLDEST_NODE_MAJOR + ' or newer (you have ' + version + '); see README';
}

/**
 * Prints the message and exits 1 when this Node is too old; returns otherwise.
 * @param {string} [version] defaults to `process.version`
 */
export function exitIfNodeTooOld(version) {
  const message = nodeTooOldMessage(version === undefined ? process.version : version);
  if (message === undefined) return;
  console.error(message);
  process.exit(1);
}
