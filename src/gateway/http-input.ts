// HTTP input for webhook integrations: `POST /readings` with a JSON batch and the gateway's bearer token; 202 after the commit.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { describeIssues } from '../config/load-config.ts';
import { AuthenticationError, HomedataError, PROBLEM_BASE, ValidationError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { ReadingIntake } from './reading-intake.ts';
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

/** Sends an RFC 9457 problem document. */
function sendProblem(
  response: Response,
  status: number,
  problem: string,
  title: string,
  detail: string,
): void {
  response
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `${PROBLEM_BASE}${problem}`, title, status, detail }));
}

/** Compares tokens in constant time (hashing first makes the lengths equal). */
function tokenMatches(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
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
    (request: Request, _response: Response, next: NextFunction) => {
      const header = request.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match || !tokenMatches(match[1]!, token)) {
        next(new AuthenticationError('A valid bearer token is required'));
        return;
      }
      next();
    },
    express.json({
      limit: '2mb',
      type: ['application/json', 'application/*+json'],
      verify: (request, _response, buffer) => {
        rawBodies.set(request, buffer.toString('utf8'));
      },
    }),
    async (request: Request, response: Response, next: NextFunction) => {
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
        const items = batch.data.readings.map((raw, index) => {
          const origin = { source: 'http' as const, where: `POST /readings [${index}]`, raw };
          const entry = entrySchema.safeParse(raw);
          const parsed: ParsedMessage = entry.success
            ? {
                kind: 'message',
                message: {
                  device: entry.data.device,
                  time: new Date(entry.data.time),
                  values: entry.data.values,
                },
              }
            : { kind: 'invalid', reason: describeIssues(entry.error.issues) };
          return { parsed, origin };
        });
        const { result, reasons } = await intake.messages(items);
        const { accepted, duplicates } = result;
        const quarantined = reasons.flatMap((reason, index) =>
          reason === undefined ? [] : [{ index, reason }],
        );
        // 202: committed to the outbox, not yet in the pod.
        response.status(202).json({ accepted, duplicates, quarantined });
      } catch (error) {
        next(error);
      }
    },
  );

  app.use((_request: Request, response: Response) => {
    sendProblem(response, 404, 'not-found', 'Not Found', 'Only POST /readings and GET /health exist here');
  });

  // express calls a four-argument middleware with errors, so `_next` must stay in the signature.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof HomedataError) {
      sendProblem(response, error.status, error.problem, error.name, error.message);
      return;
    }
    const status = (error as { status?: number }).status;
    if (status === 400 || status === 413 || status === 415) {
      // body-parser's own errors: bad JSON, too large, wrong charset.
      const detail = (error as Error).message;
      if (status === 400) {
        void intake
          .refuse([`payload is not JSON: ${detail}`], {
            source: 'http',
            where: `${request.method} ${request.path}`,
            raw: rawBodies.get(request) ?? null,
          })
          .catch(() => undefined);
      }
      sendProblem(
        response,
        status,
        'validation',
        status === 413 ? 'Payload Too Large' : 'Bad Request',
        detail,
      );
      return;
    }
    logger.error({ err: error }, 'HTTP input failed');
    sendProblem(
      response,
      503,
      'unavailable',
      'Service Unavailable',
      'The reading could not be stored; try again',
    );
  });
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
