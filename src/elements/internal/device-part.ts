/**
 * The code of controls that follow the device, loaded on first use by an element's `LazyDevice`
 * (`devicePart`). On `<mqtt-publish>`: its availability (`Availability`, which disables the
 * controls while the device is away), its state (`StateFollower`), and the commands between them:
 * refused with nothing sent while unavailable, `payload-on`/`payload-off` for a boolean, and with
 * `state-topic` confirmed by the device's report. On `<mqtt-subscribe>`: its availability only.
 */
import { commandPayload, unavailableError } from '../../core/device-state.js';
import { Availability, type StateSet } from './availability.js';
import { ConnectionController } from './connection-controller.js';
import type { CommandEnd, DeviceHost, DevicePart, DeviceProblem } from './lazy-device.js';
import type { ProblemSink } from './problems.js';
import { StateFollower } from './state-follower.js';

/**
 * Builds an element's part: its subscriptions start with the update it asks for, on the element's
 * connection. An element with `stateTopic` (declared, set or not) is a `<mqtt-publish>`.
 */
export function devicePart(host: DeviceHost, problems: ProblemSink<DeviceProblem>, states: StateSet | undefined): DevicePart {
  const publishes = 'stateTopic' in host;
  const connections = new ConnectionController(host);
  const availability = new Availability(host, connections, problems, states, publishes);
  const state = publishes ? new StateFollower(host, connections, problems) : undefined;
  // The update that starts the subscriptions (TopicFollower.hostUpdate).
  host.requestUpdate();
  return {
    get available() {
      return availability.available;
    },
    command<T>(payload: unknown, send: (payload: unknown) => Promise<T>): Promise<T> {
      // Checked when the command is made, not when it was queued: a user's click while the
      // device is away never waits to go out later.
      if (!availability.available) return Promise.reject(unavailableError(host.topic, host.availabilityTopic ?? ''));
      const body = commandPayload(payload, host.payloadOn ?? undefined, host.payloadOff ?? undefined);
      if (!state?.follows || host.expectResponse) return send(body); // a request waits for its reply, not a report
      // A publish's `send` resolves `sent`; the follower resolves `confirmed` once the device reported it.
      return state.command(body, send as (payload: unknown) => Promise<CommandEnd>) as Promise<T>;
    },
  };
}
