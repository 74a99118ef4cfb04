// Feeds the gateway from the fixtures' home model, so the demo shows live data without real sensors.
import { generateFixtureSet, simulateValue, type SimulatedHome } from '../fixtures/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Reading } from '../metrics/index.ts';
import type { Logger } from '../logging.ts';
import type { GatewaySettings } from './gateway-config.ts';
import type { ReadingIntake } from './reading-intake.ts';

/** A running simulator. */
export interface SimulatorInput {
  stop(): void;
}

/** The fixture home a simulator config names. */
export function simulatedHomeOf(options: NonNullable<GatewaySettings['simulator']>): SimulatedHome {
  const home = generateFixtureSet({ homes: options.homes, seed: options.seed }).homes.find(
    (candidate) => candidate.id === options.home,
  );
  if (!home)
    throw new NotFoundError(`No fixture home ${options.home} among ${options.homes}`, { home: options.home });
  return home;
}

/** Every device's reading at one instant. */
function readingsAt(home: SimulatedHome, time: Date, stepMinutes: number): Reading[] {
  return home.devices.map((device) => ({
    sensor: device.id,
    room: device.room,
    property: device.property,
    time,
    value: simulateValue(home, device, time, stepMinutes),
  }));
}

/**
 * Sends every device's value at each step boundary (times aligned to the step, so a restart re-sends the same
 * readings, which the outbox recognises), starting with `backfillHours` of history.
 */
export function startSimulatorInput(
  home: SimulatedHome,
  options: { stepSeconds: number; backfillHours: number },
  intake: ReadingIntake,
  logger: Logger,
  now: () => Date,
): SimulatorInput {
  const stepMs = options.stepSeconds * 1000;
  const stepMinutes = options.stepSeconds / 60;
  let next = Math.floor((now().getTime() - options.backfillHours * 3_600_000) / stepMs) * stepMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = async (): Promise<void> => {
    const readings: Reading[] = [];
    for (; next <= now().getTime(); next += stepMs)
      readings.push(...readingsAt(home, new Date(next), stepMinutes));
    try {
      await intake.readings(readings, { source: 'simulator', where: home.id });
    } catch (error) {
      logger.error({ err: error }, 'simulated readings could not be stored');
    }
    if (!stopped) timer = setTimeout(() => void tick(), Math.max(0, next - now().getTime()));
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
