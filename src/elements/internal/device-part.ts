/**
 * The code of controls that follow the device, loaded on first use by an element's `LazyDevice`.
 * `publishDevice`: `<mqtt-publish>`'s part of
 * controls that follow the device: its availability (`Availability`, which disables the controls
 * while the device is away), its state (`StateFollower`), and the commands between them: refused
 * with nothing sent while unavailable, `payload-on`/`payload-off` for a boolean, and with
 * `state-topic` confirmed by the device's report.
 */
import { commandPayload, unavailableError } from '../../core/device-state.js';
import { Availability, type AvailabilityHost, type StateSet } from './availability.js';
import { ConnectionController } from './connection-controller.js';
import type { DevicePart } from './lazy-device.js';
import type { ProblemSink } from './problems.js';
import { StateFollower, type StateHost, type StateProblem } from './state-follower.js';

/** The settings of `<mqtt-publish>` the part reads. */
export type DeviceHost = StateHost & AvailabilityHost;

/** Builds `<mqtt-publish>`'s part: its subscriptions start now, on the element's connection. */
export function publishDevice(host: DeviceHost, problems: ProblemSink<StateProblem | 'availabilityTopic'>, states: StateSet | undefined): DevicePart {
  const connections = new ConnectionController(host);
  const availability = new Availability(host, connections, problems, states, true);
  const state = new StateFollower(host, connections, problems);
  // The update that starts the subscriptions (TopicFollower.hostUpdate).
  host.requestUpdate();
  return {
    get available() {
      return availability.available;
    },
    command(payload, send) {
      // Checked when the command is made, not when it was queued: a user's click while the
      // device is away never waits to go out later.
      if (!availability.available) return Promise.reject(unavailableError(host.topic, host.availabilityTopic ?? ''));
      const body = commandPayload(payload, host.payloadOn ?? undefined, host.payloadOff ?? undefined);
      return state.follows ? state.command(body, send) : send(body);
    },
  };
}

/** Builds `<mqtt-subscribe>`'s part: availability only (no controls disabled, no commands). */
export function availabilityPart(host: AvailabilityHost, problems: ProblemSink<'availabilityTopic'>, states: StateSet | undefined): DevicePart {
  const availability = new Availability(host, new ConnectionController(host), problems, states, false);
  host.requestUpdate();
  return {
    get available() {
      return availability.available;
    },
    command: (payload, send) => send(payload),
  };
}
