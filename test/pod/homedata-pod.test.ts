// The documents a resident's pod is set up with conform to the homedata shapes, for every fixture home.
import { describe, expect, it } from 'vitest';
import { generateFixtureSet } from '../../src/fixtures/fixture-set.ts';
import { homeProfileTurtle } from '../../src/pod/formats/home-profile.ts';
import { gatewayTurtle } from '../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { validateAgainstShapes } from '../../src/vocab/shapes.ts';

describe('pod set-up documents', () => {
  const fixtures = generateFixtureSet();

  it('writes a shape-valid home profile for every fixture home', async () => {
    for (const home of fixtures.homes) {
      const layout = new PodLayout(`http://localhost:3000/${home.podName}/`);
      const turtle = homeProfileTurtle(layout, home);
      const report = await validateAgainstShapes(turtle, { baseIRI: layout.homeProfile, source: home.id });
      expect(report.results).toEqual([]);
      expect(turtle).toContain(home.area);
    }
  });

  it('rejects a home profile whose area is not a GSS code, naming hd:areaCode', async () => {
    const home = fixtures.homes[0]!;
    const layout = new PodLayout(`http://localhost:3000/${home.podName}/`);
    const report = await validateAgainstShapes(homeProfileTurtle(layout, { ...home, area: 'Northbridge' }));
    expect(report.conforms).toBe(false);
    expect(report.results.map((result) => result.path)).toContain('hd:areaCode');
  });

  it('describes every device as a sensor hosted by the gateway platform', async () => {
    const home = fixtures.homes[0]!;
    const layout = new PodLayout(`http://localhost:3000/${home.podName}/`);
    const turtle = gatewayTurtle(layout, home.devices);
    expect((await validateAgainstShapes(turtle)).conforms).toBe(true);
    expect(turtle.match(/sosa:Sensor/g)).toHaveLength(home.devices.length);
  });
});
