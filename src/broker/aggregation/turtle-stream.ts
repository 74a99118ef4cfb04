// Feeds a Turtle byte stream (a fetch body) through n3's StreamParser, one quad at a time, without keeping the text.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Store, StreamParser, type Quad } from 'n3';
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
 */
export function parseTurtleStream(
  body: TurtleBody,
  baseIRI: string,
  onQuad: (quad: Quad) => void,
  caps?: DocumentCaps,
): Promise<void> {
  // fetch's body and node:stream/web streams are the same class at run time; only their type declarations differ.
  const source = 'getReader' in body ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : body;
  const parser = new StreamParser({ format: 'text/turtle', baseIRI });
  const subjects = new Set<string>();
  let quads = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (error: PodError) => {
      if (settled) return;
      settled = true;
      source.unpipe?.(parser);
      (source as Readable).destroy?.();
      parser.removeAllListeners('data');
      reject(error);
    };
    const fail = (error: unknown) =>
      stop(error instanceof PodError ? error : new PodError('A pod document is not valid Turtle', {}, error));
    source.on('error', fail);
    parser.on('error', fail);
    parser.on('data', (quad: Quad) => {
      if (settled) return;
      if (caps) {
        quads++;
        subjects.add(quad.subject.value);
        if (quads > caps.maxQuads || subjects.size > caps.maxSubjects) {
          stop(new PodError('A pod document has more triples than the broker reads', { tooLarge: true }));
          return;
        }
      }
      onQuad(quad);
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    source.pipe(parser);
  });
}

/** Parses a Turtle body into a new Store under `caps`: the way a small pod document is read whole without blocking. */
export async function readTurtleStore(body: TurtleBody, baseIRI: string, caps: DocumentCaps): Promise<Store> {
  const store = new Store();
  await parseTurtleStream(body, baseIRI, (quad) => store.addQuad(quad), caps);
  return store;
}
