// Web: the resident and council pages (built by scripts/build-web.js) and the router the broker serves them with.
// May import src/consent and the browser-safe faces of src/pod, src/vocab, src/metrics and src/broker/contract.ts; preact, uplot, n3.
export { pagesRouter, WEB_DIST, type PagesOptions } from './serve-pages.ts';
