// Feeds a Turtle byte stream (a fetch body) through n3's StreamParser, one quad at a time, without keeping the text.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StreamParser, type Quad } from 'n3';
import { PodError } from '../../errors.ts';

/** A response body: a web stream from fetch, or a Node stream. */
export type TurtleBody = ReadableStream<Uint8Array> | WebReadableStream<Uint8Array> | NodeJS.ReadableStream;

/**
 * Parses `body` as Turtle and calls `onQuad` for each quad as it is parsed; resolves when the document ends.
 * A syntax error rejects with a PodError that names no URL: errors reach logs, and a pod URL names a resident.
 */
export function parseTurtleStream(
  body: TurtleBody,
  baseIRI: string,
  onQuad: (quad: Quad) => void,
): Promise<void> {
  // fetch's body and node:stream/web streams are the same class at run time; only their type declarations differ.
  const source = 'getReader' in body ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : body;
  const parser = new StreamParser({ format: 'text/turtle', baseIRI });
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      source.unpipe?.(parser);
      reject(new PodError('A pod document is not valid Turtle', {}, error));
    };
    source.on('error', fail);
    parser.on('error', fail);
    parser.on('data', onQuad);
    parser.on('end', () => resolve());
    source.pipe(parser);
  });
}
