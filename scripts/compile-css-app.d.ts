export type AccessControlSystem = 'wac' | 'acp';
export declare const CSS_APP_MODULE: string;
export declare const CSS_APP_MODULES: Record<AccessControlSystem, string>;
export declare const ACCESS_IMPORTS: Record<AccessControlSystem, string[]>;
export declare const CONFIG: string;
export declare const CSS_VERSION: string;
export declare function generatedHeader(cssVersion: string, access?: AccessControlSystem): string;
export declare function configFor(access: AccessControlSystem): Promise<{ import: string[] }>;
export declare function compileCssApp(access?: AccessControlSystem): Promise<string>;
