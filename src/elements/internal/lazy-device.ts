/**
 * `LazyDevice`: the part of controls that follow the device (`state-topic`, `availability-topic`,
 * `payload-on`/`payload-off`; README "Control panels"), whose code loads when an element first
 * updates with one of them set: a page that sets none never downloads it. Until it is there the
 * element is available and sends as without them; a command made meanwhile waits for it (so a
 * checkbox's `payload-on` applies). Its subscriptions start when it arrives and are replayed the
 * latest (retained) state and availability, so nothing said meanwhile is lost.
 */
import type { ReactiveController } from 'lit';
import { loadPart } from '../../core/load-part.js';
import type { MqttElementsError } from '../../errors.js';
import type { StateSet } from './availability.js';
import type { ConnectionHost } from './connection-controller.js';
import type { ProblemSink } from './problems.js';

/** How a command ended: written or acknowledged (`sent`), or reported back by the device (`confirmed`). */
export type CommandEnd = 'sent' | 'confirmed';

/** What the loaded code gives an element. */
export interface DevicePart {
  /** False while the device's availability topic says it is not available. */
  readonly available: boolean;
  /**
   * Sends a command through `send` (or refuses it, sending nothing, while unavailable), resolving
   * with what `send` resolved with; with `state-topic` (a publish, not a request), with
   * `confirmed` once the device reported the commanded state.
   */
  command<T>(payload: unknown, send: (payload: unknown) => Promise<T>): Promise<T>;
}

/**
 * The problems of controls that follow the device, each kind cleared by its own fix: the code did
 * not load, a bad or refused `availability-topic` or `state-topic`, a state that does not decode,
 * a bad `confirm-timeout`.
 */
export type DeviceProblem = 'device' | 'availabilityTopic' | 'stateTopic' | 'state' | 'confirmTimeout';

/** The settings of controls that follow the device (`<mqtt-subscribe>` has the topic and the availability ones). */
export interface DeviceHost extends ConnectionHost {
  topic: string;
  qos?: unknown;
  stateTopic?: string | undefined;
  statePath?: string | undefined;
  payloadOn?: string | undefined;
  payloadOff?: string | undefined;
  confirmTimeout?: number | undefined;
  optimistic?: boolean;
  expectResponse?: boolean;
  availabilityTopic?: string | undefined;
  payloadAvailable?: string | undefined;
  payloadNotAvailable?: string | undefined;
}

export class LazyDevice implements ReactiveController {
  readonly #host: DeviceHost;
  readonly #problems: ProblemSink<DeviceProblem>;
  readonly #states: StateSet | undefined;
  #part?: DevicePart;
  #loading?: Promise<DevicePart>;

  /**
   * @param problems where the element's problems go: a chunk that does not load (`device`), and
   *   the part's own (a bad topic, an undecodable state, a bad `confirm-timeout`).
   * @param states the element's custom states (the one set `DisplayController` attached).
   */
  constructor(host: DeviceHost, problems: ProblemSink<DeviceProblem>, states: StateSet | undefined) {
    this.#host = host;
    this.#problems = problems;
    this.#states = states;
    host.addController(this);
  }

  /** False while the device says it is unavailable (true until the code and the topic say otherwise). */
  get available(): boolean {
    return this.#part?.available ?? true;
  }

  hostUpdated(): void {
    const host = this.#host;
    if (this.#loading || !(host.availabilityTopic || host.stateTopic || host.payloadOn != null || host.payloadOff != null)) return;
    // The part asks for the update that starts its subscriptions itself (device-part.ts).
    this.#loading = loadPart(() => import('./device-part.js'), 'state-topic/availability-topic', 'binding-failed').then(
      (code) => (this.#part = code.devicePart(host, this.#problems, this.#states)),
    );
    this.#loading.catch((e: MqttElementsError) => {
      this.#problems.set('device', e);
      host.requestUpdate();
    });
  }

  /** A command: through the part once it is there (waiting for it while it loads), else `send` as it is. */
  command<T>(payload: unknown, send: (payload: unknown) => Promise<T>): Promise<T> {
    return this.#loading ? this.#loading.then((part) => part.command(payload, send)) : send(payload);
  }
}
