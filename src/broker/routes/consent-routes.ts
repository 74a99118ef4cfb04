// Resident routes: tell the broker about a consent (it reads and checks the record), withdraw it, list one's own.
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import { findActiveConsent, listResidentConsents } from '../consents/consent-reader.ts';
import { withdrawConsent } from '../consents/consent-transactor.ts';
import { registerConsent } from '../consents/register-consent.ts';
import type { BrokerContext } from '../context.ts';
import { requireJson } from '../http/require-json.ts';
import { requireResident, residentOf } from '../http/resident-auth.ts';
import { parseInput } from '../http/validate.ts';
import { findRequest } from '../requests/request-reader.ts';
import { requestIdParam } from './path-params.ts';

/**
 * Characters outside Turtle's IRIREF (space, controls, `<>"{}|^\``) and `\` (which URL parsers read as `/`). A pod
 * URL goes into the access records the broker writes as N-Triples inside an N3 Patch, whose writer does not escape
 * them (issue 11, L3): refused outright, not percent-encoded on the resident's behalf.
 */
function hasCharOutsideIriRef(url: string): boolean {
  for (const char of url) {
    const code = char.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || '<>"{}|^`\\'.includes(char)) return true;
  }
  return false;
}

/** Whether a normalised URL names a container with nothing after its path: no query, fragment or user name. */
function isPlainContainer(href: string): boolean {
  const url = new URL(href);
  return url.pathname.endsWith('/') && !/[?#]/.test(href) && url.username === '' && url.password === '';
}

/**
 * `POST /api/requests/{id}/consents`: where the resident's pod is; the record's place follows from the pod layout.
 * The pod is normalised (`new URL(pod).href`) so that one pod has one spelling in the index and in every URL the
 * broker builds from it.
 */
export const consentNoticeSchema = z
  .object({
    pod: z
      .string({ error: 'pod is the http(s) URL of your pod' })
      .max(2000)
      .refine(
        (url) => !hasCharOutsideIriRef(url),
        'pod may not contain spaces, control characters or <>"{}|^`\\',
      )
      .pipe(z.url({ protocol: /^https?$/, error: 'pod is the http(s) URL of your pod' }))
      .transform((url) => new URL(url).href)
      .refine(isPlainContainer, 'pod is a container URL ending in / (no query, fragment or user name)'),
  })
  .strict();

export const registeredConsentSchema = z.object({
  requestId: z.uuid(),
  state: z.literal('given'),
  expiresAt: z.iso.datetime(),
});

/** A resident's own consent as the broker indexed it. */
export const residentConsentSchema = z.object({
  requestId: z.uuid(),
  state: z.enum(['given', 'withdrawn', 'expired']),
  givenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  withdrawnAt: z.iso.datetime().nullable(),
});

/** Routes a resident calls with their own Solid-OIDC session. */
export function consentRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const resident = requireResident(ctx.verifyResident, ctx.publicUrl);

  router.post('/requests/:id/consents', resident, requireJson, async (req, res) => {
    const requestId = requestIdParam(req.params.id);
    const { pod } = parseInput(consentNoticeSchema, req.body);
    const registered = await registerConsent(ctx, requestId, residentOf(res).webId, pod);
    ctx.logger.info({ requestId }, 'consent registered');
    const consent = await findActiveConsent(ctx.db, requestId, residentOf(res).webId, ctx.clock());
    // In the background: the pod server tells the broker when the record changes (a hint to read it again).
    if (consent) ctx.watches.watch(consent);
    res.status(201).json(registeredConsentSchema.parse(registered));
  });

  router.delete('/requests/:id/consents/me', resident, async (req, res) => {
    const requestId = requestIdParam(req.params.id);
    if (!(await findRequest(ctx.db, requestId))) throw new NotFoundError('No such request');
    // Withdrawing needs no check in the pod: it can only take access away. Repeating it is harmless.
    if (await withdrawConsent(ctx.db, requestId, residentOf(res).webId, ctx.clock())) {
      ctx.logger.info({ requestId }, 'consent withdrawn');
    }
    res.status(204).end();
  });

  router.get('/residents/me/consents', resident, async (_req, res) => {
    const now = ctx.clock();
    const rows = await listResidentConsents(ctx.db, residentOf(res).webId);
    res.json({
      consents: rows.map((row) => ({
        requestId: row.request_id,
        state: row.state === 'given' && row.expires_at <= now ? 'expired' : row.state,
        givenAt: row.given_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
      })),
    });
  });
  return router;
}
