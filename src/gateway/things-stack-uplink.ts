// Reads The Things Stack v3 uplink messages (`v3/<app>@<tenant>/devices/<device>/up`) with a decoded payload.
import { z } from 'zod';
import { describeIssues } from '../validation-issues.ts';
import { parseJson, type ParsedMessage } from './sensor-message.ts';

/** The fields of an uplink the gateway uses; The Things Stack sends many more. */
const uplinkSchema = z.object({
  received_at: z.iso.datetime({ offset: true }),
  uplink_message: z.object({
    decoded_payload: z.record(z.string(), z.unknown(), {
      error: 'missing: set a payload formatter for the device in The Things Stack',
    }),
  }),
});

/** `v3/<application>/devices/<device>/up` → the device id. */
const UPLINK_TOPIC = /^v3\/[^/]+\/devices\/([^/]+)\/up$/;

/** Reads one uplink; the device id comes from the topic, the time from `received_at`. */
export function parseThingsStackUplink(topic: string, payload: Buffer | string): ParsedMessage {
  const device = UPLINK_TOPIC.exec(topic)?.[1];
  if (!device) return { kind: 'skip' };
  const json = parseJson(payload);
  if (!json.ok) return { kind: 'invalid', reason: json.reason };
  const uplink = uplinkSchema.safeParse(json.value);
  if (!uplink.success)
    return { kind: 'invalid', reason: `not an uplink: ${describeIssues(uplink.error.issues)}` };
  return {
    kind: 'message',
    message: {
      device,
      time: new Date(uplink.data.received_at),
      values: uplink.data.uplink_message.decoded_payload,
    },
  };
}
