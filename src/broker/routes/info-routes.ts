// `GET /api/broker`: who the broker is (its WebID, which residents grant Read to) and its rules.
import { Router } from 'express';
import { z } from 'zod';
import type { BrokerContext } from '../context.ts';

export const brokerInfoSchema = z.object({
  webId: z.url().describe('The WebID residents grant acl:Read to'),
  kFloor: z.number().int().describe('No request may ask for a smaller minimum cohort'),
  purposes: z.array(z.url()).describe('DPV purposes a request may name'),
});

/** Public facts about the broker. */
export function infoRoutes(ctx: BrokerContext): Router {
  const router = Router();
  router.get('/broker', (_req, res) => {
    res.json(
      brokerInfoSchema.parse({
        webId: ctx.reader.brokerWebId,
        kFloor: ctx.config.kFloor,
        purposes: ctx.config.purposes,
      }),
    );
  });
  return router;
}
