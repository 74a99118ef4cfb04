// Access records against hd:AccessRecordShape.
import { describe, expect, it } from 'vitest';
import { validateAgainstShapes } from '../../src/vocab/index.ts';
import { ACCESS, ACCESS_BASE, edit } from './documents.ts';

const options = { baseIRI: ACCESS_BASE };

/** The property names of a document's failures. */
async function failedPaths(turtle: string): Promise<string[]> {
  const report = await validateAgainstShapes(turtle, options);
  return report.results.map((result) => result.path ?? '');
}

describe('access record shape', () => {
  it('accepts a read of two summaries under a request and its consent', async () => {
    expect((await validateAgainstShapes(ACCESS, options)).results).toEqual([]);
  });

  it('rejects a record of no resources', async () => {
    expect(await failedPaths(edit(ACCESS, '  prov:used <', '  rdfs:seeAlso <'))).toEqual(['prov:used']);
  });

  it('rejects a record without its request id', async () => {
    expect(await failedPaths(edit(ACCESS, '  hd:underRequest "req-42" ;\n', ''))).toEqual([
      'hd:underRequest',
    ]);
  });

  it('rejects an empty request id', async () => {
    expect(await failedPaths(edit(ACCESS, 'hd:underRequest "req-42"', 'hd:underRequest ""'))).toEqual([
      'hd:underRequest',
    ]);
  });

  it('rejects a record without a start time', async () => {
    const timeless = edit(ACCESS, '  prov:startedAtTime "2024-02-02T03:00:00Z"^^xsd:dateTime ;\n', '');
    expect(await failedPaths(timeless)).toEqual(['prov:startedAtTime']);
  });

  it('rejects a reader that is not an IRI', async () => {
    const named = edit(
      ACCESS,
      `prov:wasAssociatedWith <https://broker.example/id#broker>`,
      'prov:wasAssociatedWith "broker"',
    );
    expect(await failedPaths(named)).toEqual(['prov:wasAssociatedWith']);
  });
});
