// Types of bin/compiled-build.js, a plain JavaScript file so that bin/homedata.js can ask it before loading tsx.

/** Whether `root`/dist holds a build newer than every file under `root`/src, and the environment allows it. */
export declare function compiledBuildIsCurrent(
  root: string,
  env: Record<string, string | undefined>,
): boolean;
