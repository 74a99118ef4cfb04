// Stands in for zod's locale index in the browser: only the English messages, which are the broker's too.
export { default as en } from 'zod/v4/locales/en.js';
