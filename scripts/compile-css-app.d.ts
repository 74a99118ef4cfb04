export type AccessControlSystem = 'wac' | 'acp';
export type Registration = 'open' | 'closed';
export interface CssVariant {
  access: AccessControlSystem;
  registration: Registration;
}
export declare const CONFIG: string;
export declare const CSS_VERSION: string;
export declare const ACCESS_IMPORTS: Record<AccessControlSystem, string[]>;
export declare const REGISTRATION_IMPORTS: Record<Registration, string[]>;
export declare const OPEN_REGISTRATION_GRAPH: readonly Record<string, unknown>[];
export declare const CSS_VARIANTS: readonly (CssVariant & { module: string })[];
export declare function generatedHeader(cssVersion: string, variant?: CssVariant): string;
export declare function configFor(
  variant: CssVariant,
): Promise<{ import: string[]; '@graph': Record<string, unknown>[] }>;
export declare function compileCssApp(variant?: CssVariant): Promise<string>;
