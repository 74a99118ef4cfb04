// The broker's express app: security headers, rate limit, body limit, the routers, and one problem-details error mapper.
import express, { type Express } from 'express';
import helmet from 'helmet';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { NotFoundError } from '../errors.ts';
import type { BrokerContext } from './context.ts';
import { identifyCouncil } from './http/council-auth.ts';
import { TooManyRequestsError } from './http/http-errors.ts';
import { problemHandler } from '../http-problem.ts';
import { consentRoutes } from './routes/consent-routes.ts';
import { councilRoutes } from './routes/council-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { infoRoutes } from './routes/info-routes.ts';
import { prio3TaskRoutes } from './routes/prio3-task-routes.ts';
import { openApiRoutes } from './routes/openapi-routes.ts';
import { podNotificationRoutes } from './routes/pod-notification-routes.ts';
import { requestRoutes } from './routes/request-routes.ts';
import { resultsRoutes } from './results/results-routes.ts';
import { runRoutes } from './runs/run-routes.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';
import type { Router } from 'express';

/**
 * Builds the app for one broker; routers under `/api` get the context and nothing else. `pages` (the web part's
 * router) is passed in by the composition root, so the broker never imports the web pages.
 */
export function createBrokerApp(ctx: BrokerContext, pages?: Router): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(helmet());
  app.use(healthRoutes(ctx));
  app.use(
    '/api',
    rateLimit({
      windowMs: ctx.config.rateLimit.windowMs,
      limit: ctx.config.rateLimit.max,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // A council with a valid key has a bucket of its own, wherever it calls from (councils behind one proxy or
      // NAT do not share one; one council cannot spend another's). Everything else, including wrong keys,
      // counts per client IP.
      keyGenerator: async (req, res) => {
        const council = await identifyCouncil(ctx.db, req, res);
        return council ? `council:${council.id}` : ipKeyGenerator(req.ip ?? '');
      },
      handler: (_req, _res, next) => next(new TooManyRequestsError()),
    }),
    express.json({ limit: ctx.config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }),
  );
  for (const routes of [
    openApiRoutes,
    infoRoutes,
    prio3TaskRoutes,
    requestRoutes,
    councilRoutes,
    consentRoutes,
    runRoutes,
    resultsRoutes,
    webhookRoutes,
    podNotificationRoutes,
  ]) {
    app.use('/api', routes(ctx));
  }
  if (pages) app.use(pages);
  app.use(() => {
    throw new NotFoundError('No such route');
  });
  app.use(problemHandler(ctx.logger));
  return app;
}
