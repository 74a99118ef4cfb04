export declare const CSS_APP_MODULE: string;
export declare const CLOSED_CSS_APP_MODULE: string;
export declare const CONFIG: string;
export declare const CLOSED_CONFIG: string;
export declare const CSS_APPS: readonly { module: string; config: string }[];
export declare const CSS_VERSION: string;
export declare function generatedHeader(cssVersion: string, config?: string): string;
export declare function compileCssApp(config?: string): Promise<string>;
