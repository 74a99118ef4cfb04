// Council routes that start aggregation runs and follow them: `POST/GET /api/requests/{id}/runs[/{run}]`.
import { Router } from 'express';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';
import { councilOf, requireCouncil } from '../http/council-auth.ts';
import { UnsupportedMediaTypeError } from '../http/http-errors.ts';
import { parseInput } from '../http/validate.ts';
import { requestIdParam, runIdParam } from '../routes/path-params.ts';
import { findOwnRequest } from './own-request.ts';
import { findRun, listRuns } from './run-reader.ts';
import { createRun } from './run-transactor.ts';
import { newRunSchema } from '../contract.ts';
import { runView } from './run-view.ts';

/** Routes a council starts and follows runs with; the run itself goes to the broker's run queue. */
export function runRoutes(ctx: BrokerContext): Router {
  const router = Router();
  const council = requireCouncil(ctx.db);

  router.post('/requests/:id/runs', council, async (req, res) => {
    const request = await findOwnRequest(ctx.db, requestIdParam(req.params.id), councilOf(res).id);
    // The body is optional; when there is one it must be JSON.
    if (req.body === undefined && Number(req.get('content-length') ?? 0) > 0) {
      throw new UnsupportedMediaTypeError('application/json');
    }
    // The old per-run split option: refused with a message that says where the split went.
    if (typeof req.body === 'object' && req.body !== null && 'byDwellingType' in req.body) {
      throw new ValidationError(
        'Invalid body: byDwellingType: the split is fixed on the request (its `split`)',
        {
          errors: [{ field: 'byDwellingType', message: 'the split is fixed on the request (its `split`)' }],
        },
      );
    }
    const options = parseInput(newRunSchema, req.body ?? {});
    if (options.epsilon !== undefined && request.dp_epsilon === null) {
      throw new ValidationError('Invalid body: epsilon: this request asked for no differential privacy', {
        errors: [{ field: 'epsilon', message: 'this request asked for no differential privacy' }],
      });
    }
    const id = await createRun(
      ctx.db,
      {
        requestId: request.id,
        epsilon: request.dp_epsilon === null ? null : (options.epsilon ?? 'rest'),
      },
      ctx.clock(),
      ctx.config.limits,
    );
    ctx.logger.info({ requestId: request.id, runId: id }, 'run queued');
    await ctx.runs.enqueue(id);
    const row = await findRun(ctx.db, request.id, id);
    res.status(202).location(`${ctx.publicUrl}api/requests/${request.id}/runs/${id}`).json(runView(row!));
  });

  router.get('/requests/:id/runs', council, async (req, res) => {
    const request = await findOwnRequest(ctx.db, requestIdParam(req.params.id), councilOf(res).id);
    res.json({ runs: (await listRuns(ctx.db, request.id)).map(runView) });
  });

  router.get('/requests/:id/runs/:run', council, async (req, res) => {
    const request = await findOwnRequest(ctx.db, requestIdParam(req.params.id), councilOf(res).id);
    const row = await findRun(ctx.db, request.id, runIdParam(req.params.run));
    if (!row) throw new NotFoundError('No such run');
    res.json(runView(row));
  });
  return router;
}
