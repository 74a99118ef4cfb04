// Web: the resident and council pages (built by scripts/build-web.js) and the router the broker serves them with.
// May import: broker (types and the request schema), metrics (catalogue), pod (layout), vocab (terms), preact, uplot, n3.
export { pagesRouter, WEB_DIST, type PagesOptions } from './serve-pages.ts';
