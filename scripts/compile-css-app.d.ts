export declare const CSS_APP_MODULE: string;
export declare const CSS_VERSION: string;
export declare function generatedHeader(cssVersion: string): string;
export declare function compileCssApp(): Promise<string>;
