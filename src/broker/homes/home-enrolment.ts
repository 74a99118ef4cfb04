// What an enrolment of a home says, validated: the operator's home id, the pod URL, the gateway and resident WebIDs,
// the area.
import { z } from 'zod';
import { GSS_CODE } from '../requests/request-schema.ts';

/** A home id: a short opaque token such as a UK UPRN or a housing-stock reference (also checked by the table). */
export const HOME_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// Characters IRIREF does not allow (RDF 1.1 Turtle §6.5): a URL holding one could break out of an N-Triples IRI.
const NOT_IN_IRIREF = '<>"{}|^`\\';

/** Whether `href` holds a control character, a space or another character IRIREF excludes. */
function outsideIriref(href: string): boolean {
  return [...href].some((char) => char <= ' ' || NOT_IN_IRIREF.includes(char));
}

/** The operator's id of a dwelling. */
export const homeIdSchema = z
  .string()
  .regex(
    HOME_ID_PATTERN,
    'a home id is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** An http(s) URL in the one spelling the register compares by: `new URL(x).href`, nothing outside IRIREF. */
const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .transform((url) => new URL(url).href)
  .refine((href) => !outsideIriref(href), 'a URL with no spaces or <>"{}|^`\\ characters');

/** A pod root: normalised, ending in `/`, no query or fragment. */
export const podUrlSchema = httpUrlSchema.refine(
  (href) => href.endsWith('/') && !/[?#]/.test(href),
  'a pod is a container URL ending in / (no query or fragment)',
);

/** A WebID (an http(s) URL, usually with a fragment). */
export const webIdSchema = httpUrlSchema;

/** What `homedata home enrol` hands the register. */
export const homeEnrolmentSchema = z
  .object({
    homeId: homeIdSchema,
    pod: podUrlSchema,
    gatewayWebId: webIdSchema,
    residentWebId: webIdSchema.optional(),
    /** The home's area (ONS GSS code) as the operator knows the dwelling: new requests for it are offered. */
    area: z.string().regex(GSS_CODE, 'an area is an ONS GSS code such as E05000001').optional(),
  })
  .strict();

/** A validated enrolment. */
export type HomeEnrolment = z.output<typeof homeEnrolmentSchema>;

/** The register's spelling of a pod URL (`new URL(pod).href`), or null when it is no URL at all. */
export function canonicalPodUrl(pod: string): string | null {
  try {
    return new URL(pod).href;
  } catch {
    return null;
  }
}
