// Lets page modules import style sheets, which esbuild bundles into each page's app.css.
declare module '*.css';
