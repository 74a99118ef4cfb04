// Sets up a resident's pod the homedata way: containers, home profile, device descriptions, gateway Append grants,
// Type Index registrations, and an inbox the broker may Append to.
import { DataFactory, Store } from 'n3';
import type { Property } from '../metrics/index.ts';
import { OBSERVABLE_PROPERTY, TERMS } from '../vocab/browser.ts';
import { serializeTurtle } from '../vocab/browser.ts';
import { homeProfileTurtle, roomIri, type HomeProfile } from './formats/home-profile.ts';
import { PodLayout } from './pod-layout.ts';
import { ensureContainer, writeTurtle } from './resource-write.ts';
import { setAgentModes, withSystem, type AccessControlSystem } from './access-control.ts';
import type { SolidAgent } from './solid-session.ts';
import { registerInTypeIndex } from './type-index.ts';
import { advertiseInbox } from './inbox.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, rdfs, sosa, hd } = TERMS;

/** One sensor of the home's gateway. */
export interface DeviceDescription {
  id: string;
  room: string;
  property: Property;
}

/** The IRI of a sensor inside the gateway's description. */
export function sensorIri(layout: PodLayout, deviceId: string): string {
  return `${layout.gatewayDocument}#sensor-${encodeURIComponent(deviceId)}`;
}

/** Builds the gateway's description: a sosa:Platform hosting one sosa:Sensor per device. */
export function gatewayTurtle(layout: PodLayout, devices: DeviceDescription[]): string {
  const store = new Store();
  const platform = namedNode(`${layout.gatewayDocument}#platform`);
  store.addQuad(quad(platform, rdf.type, sosa.Platform));
  store.addQuad(quad(platform, rdfs.label, literal('homedata gateway')));
  for (const device of devices) {
    const sensor = namedNode(sensorIri(layout, device.id));
    store.addQuad(quad(platform, sosa.hosts, sensor));
    store.addQuad(quad(sensor, rdf.type, sosa.Sensor));
    store.addQuad(quad(sensor, rdfs.label, literal(device.id)));
    store.addQuad(quad(sensor, sosa.isHostedBy, platform));
    store.addQuad(quad(sensor, sosa.observes, OBSERVABLE_PROPERTY[device.property]));
    store.addQuad(quad(sensor, hd.room, namedNode(roomIri(layout, device.room))));
  }
  return serializeTurtle(store);
}

/** Who else the set-up grants something to. */
export interface PodSetUpOptions {
  /** The broker's WebID: given Append only (never Read) on the inbox, so that it can offer council requests. */
  brokerWebId?: string;
  /** The pod server's authorization system when the caller knows it (else discovered once, from the layout's root). */
  access?: AccessControlSystem;
}

/**
 * Creates the homedata layout in the resident's own pod (idempotent), writes the home profile and device
 * descriptions, gives the gateway Append only (never Read) on readings and summaries, and registers the readings,
 * summaries, consents and home in the resident's private Type Index (docs/vocabulary.md). The inbox is named as
 * `ldp:inbox` on the home document and on the WebID profile; the broker, when known, may Append to it.
 */
export async function setUpHomedataPod(
  resident: SolidAgent,
  pod: string,
  home: HomeProfile,
  devices: DeviceDescription[],
  gatewayWebId: string,
  options: PodSetUpOptions = {},
): Promise<PodLayout> {
  const layout = new PodLayout(pod);
  await ensureContainer(resident.fetch, layout.root);
  // Parents before children, so that no container is first made implicitly by a child's PUT (which would cost its
  // own PUT a 409 and a HEAD, see ensureContainer).
  const depth = (url: string) => url.slice(layout.root.length).split('/').length;
  const below = layout.containers.slice(1);
  await Promise.all([
    ...below.filter((url) => depth(url) === 2).map((url) => ensureContainer(resident.fetch, url)),
    writeTurtle(resident.fetch, layout.homeProfile, homeProfileTurtle(layout, home)),
  ]);
  await Promise.all(below.filter((url) => depth(url) > 2).map((url) => ensureContainer(resident.fetch, url)));
  // One editor for the gateway's and the broker's grants: they share the look-ups of their ancestors' ACLs.
  const editor = await withSystem(
    { fetch: resident.fetch, ownerWebId: resident.webId, system: options.access, ancestorAcls: new Map() },
    layout.root,
  );
  await Promise.all([
    writeTurtle(resident.fetch, layout.gatewayDocument, gatewayTurtle(layout, devices)),
    setAgentModes(editor, [layout.readings, layout.summaries, layout.reports], gatewayWebId, ['Append']),
    registerInTypeIndex(resident.fetch, resident.webId, layout),
    advertiseInbox(resident.fetch, resident.webId, layout),
    ...(options.brokerWebId ? [setAgentModes(editor, layout.inbox, options.brokerWebId, ['Append'])] : []),
  ]);
  return layout;
}
