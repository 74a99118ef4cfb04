// HTTP input for webhook integrations: `POST /readings` with a JSON batch and the gateway's bearer token; 202 after the commit.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { describeIssues } from '../validation-issues.ts';
import { AuthenticationError, HomedataError, NotFoundError, ValidationError } from '../errors.ts';
import { problemHandler } from '../http-problem.ts';
import type { Logger } from '../logging.ts';
import type { MessageOrigin, ReadingIntake } from './reading-intake.ts';
import type { ParsedMessage } from './sensor-message.ts';

/** Entries per request: a webhook batch, not a bulk import (use `gateway replay` for history). */
export const MAX_BATCH = 5000;

/** The request body: `{ "readings": [ … ] }`; entries are checked one by one so one bad entry spoils nothing else. */
const batchSchema = z.object({ readings: z.array(z.unknown()).min(1).max(MAX_BATCH) });

/** One entry: a device's values at one instant. */
const entrySchema = z.object({
  device: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  values: z.record(z.string(), z.unknown()),
});

/** Compares tokens in constant time (hashing first makes the lengths equal). */
function tokenMatches(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Middleware refusing a request without the gateway's bearer token. */
function requireBearer(token: string): express.RequestHandler {
  return (request, _response, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.get('authorization') ?? '');
    next(
      match && tokenMatches(match[1]!, token)
        ? undefined
        : new AuthenticationError('A valid bearer token is required'),
    );
  };
}

/** A batch's entries as parsed messages with where each came from; a bad entry is `invalid`, not an error. */
function batchItems(readings: readonly unknown[]): { parsed: ParsedMessage; origin: MessageOrigin }[] {
  return readings.map((raw, index) => {
    const origin = { source: 'http' as const, where: `POST /readings [${index}]`, raw };
    const entry = entrySchema.safeParse(raw);
    const parsed: ParsedMessage = entry.success
      ? {
          kind: 'message',
          message: { device: entry.data.device, time: new Date(entry.data.time), values: entry.data.values },
        }
      : { kind: 'invalid', reason: describeIssues(entry.error.issues) };
    return { parsed, origin };
  });
}

/** `POST /readings`: commits the batch's good entries to the outbox and answers 202 with what was quarantined. */
function acceptReadings(intake: ReadingIntake): express.RequestHandler {
  return async (request, response, next) => {
    try {
      const batch = batchSchema.safeParse(request.body);
      if (!batch.success) {
        await intake.refuse([`not a readings batch: ${describeIssues(batch.error.issues)}`], {
          source: 'http',
          where: 'POST /readings',
          raw: request.body as unknown,
        });
        throw new ValidationError(`Not a readings batch: ${describeIssues(batch.error.issues)}`);
      }
      const { result, reasons } = await intake.messages(batchItems(batch.data.readings));
      const { accepted, duplicates } = result;
      const quarantined = reasons.flatMap((reason, index) =>
        reason === undefined ? [] : [{ index, reason }],
      );
      // 202: committed to the outbox, not yet in the pod.
      response.status(202).json({ accepted, duplicates, quarantined });
    } catch (error) {
      next(error);
    }
  };
}

/** Error middleware quarantining a body that is not JSON as it came (the evidence), then passing the error on. */
function quarantineNonJson(
  intake: ReadingIntake,
  rawBodies: WeakMap<object, string>,
  logger: Logger,
): express.ErrorRequestHandler {
  return (error: unknown, request, _response, next) => {
    // body-parser's 400s (bad JSON, aborted body) carry a `status`; the family's own errors are not evidence.
    if (!(error instanceof HomedataError) && (error as { status?: unknown }).status === 400) {
      intake
        .refuse([`payload is not JSON: ${(error as Error).message}`], {
          source: 'http',
          where: `${request.method} ${request.path}`,
          raw: rawBodies.get(request) ?? null,
        })
        .catch((failure: unknown) => logger.warn({ err: failure }, 'could not quarantine a non-JSON body'));
    }
    next(error);
  };
}

/** The express app of the HTTP input. */
export function httpInputApp(intake: ReadingIntake, token: string, logger: Logger): express.Express {
  const app = express();
  // The raw body of each request, kept so a body that is not JSON can still be quarantined as it came.
  const rawBodies = new WeakMap<object, string>();
  app.disable('x-powered-by');
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.post(
    '/readings',
    requireBearer(token),
    express.json({
      limit: '2mb',
      type: ['application/json', 'application/*+json'],
      verify: (request, _response, buffer) => {
        rawBodies.set(request, buffer.toString('utf8'));
      },
    }),
    acceptReadings(intake),
  );
  app.use((_request: Request, _response: Response, next: NextFunction) => {
    next(new NotFoundError('Only POST /readings and GET /health exist here'));
  });
  app.use(quarantineNonJson(intake, rawBodies, logger));
  app.use(problemHandler(logger, { problem: 'unavailable', status: 503 }));
  return app;
}

/** Starts the HTTP input; resolves with the server and its URL once listening. */
export function startHttpInput(
  intake: ReadingIntake,
  options: { port: number; host: string; token: string },
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  const app = httpInputApp(intake, options.token, logger);
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host, (error?: Error) => {
      if (error) {
        reject(error);
        return;
      }
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`;
      logger.info({ url }, 'HTTP input listening');
      resolve({ server, url });
    });
  });
}
