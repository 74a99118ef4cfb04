// The home profile against hd:HomeProfileShape.
import { describe, expect, it } from 'vitest';
import { validateAgainstShapes } from '../../src/vocab/index.ts';
import { edit, HOME, HOME_BASE } from './documents.ts';

const options = { baseIRI: HOME_BASE };

/** The property names of a document's failures. */
async function failedPaths(turtle: string): Promise<string[]> {
  const report = await validateAgainstShapes(turtle, options);
  return report.results.map((result) => result.path ?? '');
}

describe('home profile shape', () => {
  it('accepts a terraced home in a ward', async () => {
    expect((await validateAgainstShapes(HOME, options)).results).toEqual([]);
  });

  it('accepts a home without a time zone', async () => {
    expect(await failedPaths(edit(HOME, '  hd:timeZone "Europe/London" ;\n', ''))).toEqual([]);
  });

  it('rejects an area code that is not a GSS code', async () => {
    expect(await failedPaths(edit(HOME, '"E05000001"', '"SW1A 1AA"'))).toEqual(['hd:areaCode']);
  });

  it('rejects a home without an area code', async () => {
    expect(await failedPaths(edit(HOME, '  hd:areaCode "E05000001" ;\n', ''))).toEqual(['hd:areaCode']);
  });

  it('rejects a dwelling type outside the list', async () => {
    expect(await failedPaths(edit(HOME, 'hd:dwellingType hd:Terraced', 'hd:dwellingType hd:Castle'))).toEqual(
      ['hd:dwellingType'],
    );
  });

  it('rejects a dwelling type given as a string', async () => {
    expect(
      await failedPaths(edit(HOME, 'hd:dwellingType hd:Terraced', 'hd:dwellingType "Terraced"')),
    ).toEqual(['hd:dwellingType']);
  });

  it('rejects two time zones', async () => {
    const two = edit(HOME, 'hd:timeZone "Europe/London"', 'hd:timeZone "Europe/London", "Europe/Dublin"');
    expect(await failedPaths(two)).toEqual(['hd:timeZone']);
  });
});
