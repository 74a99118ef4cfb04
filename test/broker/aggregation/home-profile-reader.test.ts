// The home profile reader places a home in a cohort only when its profile says clearly where and what it is.
import { describe, expect, it } from 'vitest';
import { readHomePlacement } from '../../../src/broker/aggregation/home-profile-reader.ts';
import { homeProfileTurtle } from '../../../src/pod/formats/home-profile.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { HOME, HOME_BASE, POD, edit } from '../../vocab/documents.ts';

const layout = new PodLayout(POD);
const read = (turtle: string) => readHomePlacement(new Response(turtle).body!, HOME_BASE);

describe('home profile reader', () => {
  it('reads area, dwelling type and time zone from the profile the pod set-up writes', async () => {
    const turtle = homeProfileTurtle(layout, {
      area: 'E05018412',
      dwellingType: 'SemiDetached',
      timeZone: 'Europe/London',
      rooms: [{ slug: 'kitchen', name: 'Kitchen' }],
    });
    expect(await read(turtle)).toEqual({
      area: 'E05018412',
      dwellingType: 'SemiDetached',
      timeZone: 'Europe/London',
    });
  });

  it('counts a profile without a time zone in UK time', async () => {
    expect(await read(edit(HOME, '  hd:timeZone "Europe/London" ;\n', ''))).toMatchObject({
      timeZone: 'Europe/London',
    });
  });

  it('leaves out a home without an area, with an unknown dwelling type, two areas, or a zone that does not exist', async () => {
    expect(await read(edit(HOME, '  hd:areaCode "E05000001" ;\n', ''))).toBeNull();
    expect(await read(edit(HOME, 'hd:Terraced', 'hd:Castle'))).toBeNull();
    expect(await read(edit(HOME, '"E05000001"', '"E05000001", "E05000002"'))).toBeNull();
    expect(await read(edit(HOME, 'Europe/London', 'Europe/Atlantis'))).toBeNull();
  });
});
