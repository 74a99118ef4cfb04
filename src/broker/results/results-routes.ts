// `GET /api/requests/{id}/results`: a run's released cells as JSON, CSV, Turtle or JSON-LD (Data Cube with PROV-O).
import { RESULTS_MEDIA_TYPES, resultsQuerySchema } from '../contract.ts';
import { Router } from 'express';
import { ConflictError, HomedataError, NotFoundError } from '../../errors.ts';
import type { BrokerContext } from '../context.ts';
import { councilOf, requireCouncil } from '../http/council-auth.ts';
import { parseInput } from '../http/validate.ts';
import { requestIdParam } from '../routes/path-params.ts';
import { findOwnRequest } from '../runs/own-request.ts';
import { findLatestDoneRun, findRun, listRunCells } from '../runs/run-reader.ts';
import { runProblemError } from '../runs/run-view.ts';
import { resultsCsv } from './results-csv.ts';
import { resultsCubeQuads } from './results-cube.ts';
import { resultsDocument } from './results-document.ts';
import { cubeJsonLd, cubeTurtle } from './results-rdf.ts';

/** Routes a council reads results with; only released cells are ever stored, so only they can be served. */
export function resultsRoutes(ctx: BrokerContext): Router {
  const router = Router();

  router.get('/requests/:id/results', requireCouncil(ctx.db), async (req, res) => {
    const request = await findOwnRequest(ctx.db, requestIdParam(req.params.id), councilOf(res).id);
    const query = parseInput(resultsQuerySchema, req.query, 'query');
    const run =
      query.run === undefined
        ? await findLatestDoneRun(ctx.db, request.id)
        : await findRun(ctx.db, request.id, query.run);
    if (!run)
      throw new NotFoundError(
        query.run === undefined ? 'This request has no finished run yet' : 'No such run',
      );
    const refusal = runProblemError(run);
    // A refused run answers with the rule that refused it (e.g. 409 differencing).
    if (refusal) throw refusal;
    if (run.state !== 'done')
      throw new ConflictError('run-not-finished', `The run is ${run.state}; try again later`);

    const type = req.accepts([...RESULTS_MEDIA_TYPES]);
    if (type === false) {
      throw new HomedataError('not-acceptable', 406, `Results come as ${RESULTS_MEDIA_TYPES.join(', ')}`);
    }
    const results = resultsDocument(run, await listRunCells(ctx.db, run.id));
    res.vary('Accept');
    if (type === 'application/json') {
      res.json(results);
      return;
    }
    if (type === 'text/csv') {
      res
        .type('text/csv; charset=utf-8')
        .attachment(`results-${request.id}-${run.id}.csv`)
        .send(resultsCsv(results));
      return;
    }
    const documentIri = `${ctx.publicUrl}api/requests/${request.id}/results?run=${run.id}`;
    const quads = resultsCubeQuads(results, {
      documentIri,
      requestIri: `${ctx.publicUrl}api/requests/${request.id}`,
      brokerWebId: ctx.reader.brokerWebId,
      startedAt: run.started_at ?? run.created_at,
    });
    res.setHeader('Content-Location', documentIri);
    if (type === 'text/turtle') res.type('text/turtle; charset=utf-8').send(cubeTurtle(quads, documentIri));
    else res.type('application/ld+json; charset=utf-8').send(await cubeJsonLd(quads, documentIri));
  });
  return router;
}
