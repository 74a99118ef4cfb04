// Types of bin/node-version.js, a plain JavaScript file so that it runs on Nodes too old for anything else.

/** Oldest Node major homedata supports; package.json `engines` says the same. */
export declare const OLDEST_NODE_MAJOR: number;

/** The message for a Node version that is too old (e.g. "v18.19.0"), or undefined when it is new enough. */
export declare function nodeTooOldMessage(version: string): string | undefined;

/** Prints the message and exits 1 when this Node (or `version`) is too old; returns otherwise. */
export declare function exitIfNodeTooOld(version?: string): void;
