// Feeds a Turtle byte stream (a fetch body) through n3's Parser, one quad at a time, without keeping the text.
import { EventEmitter } from 'node:events';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Parser, Store, type Quad } from 'n3';
import { PodError } from '../../errors.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';

/** A response body: a web stream from fetch, or a Node stream. */
export type TurtleBody = ReadableStream<Uint8Array> | WebReadableStream<Uint8Array> | NodeJS.ReadableStream;

/**
 * Parses `body` as Turtle and calls `onQuad` for each quad as it is parsed; resolves when the document ends.
 * With `caps`, a document with more quads or distinct subjects than allowed is abandoned as soon as it passes the
 * cap (its body is cancelled): a pod chooses its documents, and what a reader keeps per subject must stay bounded
 * (docs/security.md, M3). Errors are PodErrors that name no URL and carry no parser text: errors reach logs,
 * and a pod URL names a resident.
 *
 * The body's chunks go straight into n3's Parser (which decodes UTF-8 across chunks itself), not through
 * `Readable.fromWeb` and n3's StreamParser: that Transform pushed every quad through a stream buffer and a `data`
 * event, a quarter again of the parse's own CPU (docs/aggregation.md, issue 15).
 */
export async function parseTurtleStream(
  body: TurtleBody,
  baseIRI: string,
  onQuad: (quad: Quad) => void,
  caps?: DocumentCaps,
): Promise<void> {
  const chunks = new EventEmitter();
  const subjects = new Set<string>();
  let quads = 0;
  let failure: PodError | undefined;
  new Parser({ format: 'text/turtle', baseIRI }).parse(chunks, (error, quad) => {
    if (failure !== undefined) return;
    if (error) {
      failure = new PodError('A pod document is not valid Turtle', {}, error);
      return;
    }
    // The end of the document is a call without a quad.
    if (!quad) return;
    if (caps) {
      quads++;
      subjects.add(quad.subject.value);
      if (quads > caps.maxQuads || subjects.size > caps.maxSubjects) {
        failure = new PodError('A pod document has more triples than the broker reads', { tooLarge: true });
        return;
      }
    }
    onQuad(quad);
  });
  try {
    // Leaving the loop early cancels a web body and destroys a Node one: nothing more of it is read.
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.emit('data', chunk);
      if (failure !== undefined) break;
    }
  } catch (error) {
    throw error instanceof PodError ? error : new PodError('A pod document is not valid Turtle', {}, error);
  }
  // The parser reads what is left (a last statement, a cut-off one) only at the end.
  if (failure === undefined) chunks.emit('end');
  if (failure !== undefined) throw failure;
}

/** Parses a Turtle body into a new Store under `caps`: the way a small pod document is read whole without blocking. */
export async function readTurtleStore(body: TurtleBody, baseIRI: string, caps: DocumentCaps): Promise<Store> {
  const store = new Store();
  await parseTurtleStream(body, baseIRI, (quad) => store.addQuad(quad), caps);
  return store;
}
