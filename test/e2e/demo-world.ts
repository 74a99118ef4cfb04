// What the page tests act on in a running `homedata demo`: its broker, first council, open request and resident 1.
import { readIdentities, type DemoIdentities } from '../../src/demo/demo-files.ts';
import type { DemoProcess } from '../helpers/demo-process.ts';

/** A resident as the tests use them: a login for the browser, client credentials for checks over HTTP. */
export type WorldResident = DemoIdentities['residents'][number];

/** The demo as the page tests see it. */
export interface DemoWorld {
  brokerUrl: string;
  brokerWebId: string;
  council: { name: string; apiKey: string };
  /** The first council's open request, which every other resident of its wards has granted. */
  requestId: string;
  /** Resident 1: the demo leaves their answer to whoever tries it, here the browser. */
  browserResident: WorldResident;
  identities: DemoIdentities;
}

/** Reads the demo's manifest and saved identities into what the tests need; fails if the demo set up less. */
export async function demoWorld(demo: DemoProcess, dataDir: string): Promise<DemoWorld> {
  const identities = await readIdentities(dataDir);
  const council = demo.manifest.councils[0];
  if (!identities?.demoRequestId || !demo.manifest.broker || !council) {
    throw new Error(`the demo in ${dataDir} has no broker, council or open request:\n${demo.output()}`);
  }
  return {
    brokerUrl: demo.manifest.broker,
    brokerWebId: identities.broker.webId,
    council,
    requestId: identities.demoRequestId,
    browserResident: identities.residents[0]!,
    identities,
  };
}
