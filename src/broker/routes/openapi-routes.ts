// `GET /api/openapi.json`: the API description, built once per broker from its configuration.
import { Router } from 'express';
import type { BrokerContext } from '../context.ts';
import { openApiDocument } from '../http/openapi.ts';

/** Serves the OpenAPI document. */
export function openApiRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const document = openApiDocument(ctx.config, ctx.publicUrl);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
