// The home profile format: what the pod set-up writes is what every reader reads back, and a flawed profile is refused by name.
import { describe, expect, it } from 'vitest';
import { DocumentFormatError } from '../../../src/pod/formats/document-format-error.ts';
import {
  HomeProfileReader,
  homeProfileQuads,
  homeProfileTurtle,
  parseHomeProfile,
  roomIri,
  roomSlugOf,
  type HomeProfile,
} from '../../../src/pod/formats/home-profile.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { parseTurtle } from '../../../src/vocab/turtle.ts';
import { HOME, HOME_BASE, POD, edit } from '../../vocab/documents.ts';

const layout = new PodLayout(POD);
const PROFILE: HomeProfile = {
  area: 'E05018412',
  dwellingType: 'SemiDetached',
  timeZone: 'Europe/Dublin',
  rooms: [
    { slug: 'living-room', name: 'Living room' },
    { slug: 'bedroom-2', name: 'Second bedroom' },
  ],
};

/** Parses a Turtle home profile document and reads it strictly. */
const read = (turtle: string) => parseHomeProfile(parseTurtle(turtle, { baseIRI: HOME_BASE }));

/** The problems a flawed document is refused with. */
function problemsOf(turtle: string): string[] {
  try {
    read(turtle);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentFormatError);
    return (error as DocumentFormatError).context.problems;
  }
  throw new Error('the profile was accepted');
}

describe('home profile format', () => {
  it('reads back exactly the profile it wrote, as Turtle and as quads in any order', () => {
    expect(read(homeProfileTurtle(layout, PROFILE))).toEqual(PROFILE);
    const reader = new HomeProfileReader();
    for (const quad of homeProfileQuads(layout, PROFILE).reverse()) reader.add(quad);
    expect(reader.profile()).toEqual({ ...PROFILE, rooms: [...PROFILE.rooms].reverse() });
  });

  it('counts a profile without a time zone in UK time', () => {
    expect(read(edit(HOME, '  hd:timeZone "Europe/London" ;\n', '')).timeZone).toBe('Europe/London');
  });

  it('names rooms by the slug in their IRI', () => {
    expect(roomSlugOf(roomIri(layout, 'bedroom-2'))).toBe('bedroom-2');
    expect(read(HOME).rooms).toEqual([{ slug: 'living-room', name: 'Living room' }]);
  });

  it('refuses a profile without an area, with two, or with an unknown or missing dwelling type', () => {
    expect(problemsOf(edit(HOME, '  hd:areaCode "E05000001" ;\n', ''))).toEqual([
      'it needs exactly one hd:areaCode (found 0)',
    ]);
    expect(problemsOf(edit(HOME, '"E05000001"', '"E05000001", "E05000002"'))).toEqual([
      'it needs exactly one hd:areaCode (found 2)',
    ]);
    expect(problemsOf(edit(HOME, 'hd:Terraced', 'hd:Castle'))).toEqual([
      'it needs exactly one known hd:dwellingType',
    ]);
    expect(problemsOf(edit(HOME, 'hd:Terraced', 'hd:Terraced, hd:Flat'))).toEqual([
      'it needs exactly one known hd:dwellingType',
    ]);
  });

  it('refuses a time zone that does not exist, and lists every problem at once', () => {
    expect(problemsOf(edit(HOME, 'Europe/London', 'Europe/Atlantis'))).toEqual([
      'its hd:timeZone is not one IANA time zone',
    ]);
    const flawed = edit(edit(HOME, '  hd:areaCode "E05000001" ;\n', ''), 'Europe/London', 'Europe/Atlantis');
    expect(problemsOf(flawed)).toHaveLength(2);
  });

  it('names no value of the document in its error: errors reach logs', () => {
    expect(() => read(edit(HOME, 'hd:Terraced', 'hd:Castle'))).toThrow(
      /^The home profile is not usable: [^E]*$/,
    );
  });

  it('still gives the area and rooms of a flawed profile to a page that shows what it can', () => {
    const reader = new HomeProfileReader();
    for (const quad of parseTurtle(edit(HOME, 'hd:Terraced', 'hd:Castle'), { baseIRI: HOME_BASE })) {
      reader.add(quad);
    }
    expect(reader.area).toBe('E05000001');
    expect(reader.rooms).toEqual([{ slug: 'living-room', name: 'Living room' }]);
    expect(() => reader.profile()).toThrow(DocumentFormatError);
  });
});
