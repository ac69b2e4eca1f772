import type { ReactiveController } from 'lit';
import { publishProperties, publishTarget, type PublishPropertySettings } from '../../core/publish.js';
import { numericSetting } from '../../core/numeric-setting.js';
import { decodeFor, encodeFor, encodes } from '../../core/payload-formats.js';
import { isMqttElementsError, MqttElementsError } from '../../errors.js';
import { MqttPublishedEvent, MqttResponseEvent } from '../../events.js';
import { ConnectionController, type ConnectionHost } from '../internal/connection-controller.js';
import type { DisplayController } from '../internal/display-controller.js';
import type { ErrorReporter } from '../internal/error-reporter.js';
import type { LazyDevice } from '../internal/lazy-device.js';
import { bindValue } from '../internal/subscribe-view.js';
import { writtenSetting } from '../internal/written-setting.js';

/** How long a request waits for its reply when `response-timeout` is absent or unreadable (ms). */
const DEFAULT_RESPONSE_TIMEOUT = 10000;

/** Where `<mqtt-publish>`'s latest publish stands (`confirmed`: with `state-topic`, the device reported it). */
export type PublishStatus = 'idle' | 'pending' | 'sent' | 'confirmed' | 'error';

/** The settings of `<mqtt-publish>` a publish or a request is made of. */
export interface PublishHost extends ConnectionHost, PublishPropertySettings {
  topic: string;
  qos: string | number;
  retain: boolean;
  expectResponse: boolean;
  responseTimeout?: number | undefined;
  format?: unknown;
  path?: string | undefined;
  target?: string | undefined;
  property: string;
  attribute?: string | undefined;
}

/**
 * `<mqtt-publish>`'s publishes and requests: checks where they go, sends them through the
 * connection, keeps `status` (only the latest one's outcome counts), and with `expect-response`
 * holds the connection's response subscription, waits for the reply and shows it in `target`.
 */
export class PublishController implements ReactiveController {
  readonly #host: PublishHost;
  readonly #connections: ConnectionController;
  readonly #errors: ErrorReporter;
  readonly #display: DisplayController;
  readonly #device: LazyDevice;
  #status: PublishStatus = 'idle';
  #latest = 0;
  #response: unknown;
  #releaseResponses?: () => void;
  #heldOn?: unknown;
  #heldTopic?: string;

  /** @param device the state and availability of the device commanded, through which publishes go. */
  constructor(host: PublishHost, errors: ErrorReporter, display: DisplayController, device: LazyDevice) {
    this.#host = host;
    this.#device = device;
    this.#errors = errors;
    this.#display = display;
    this.#connections = new ConnectionController(host);
    host.addController(this);
  }

  /** Where the latest publish stands. */
  get status(): PublishStatus {
    return this.#status;
  }

  /** The decoded latest reply. */
  get response(): unknown {
    return this.#response;
  }

  hostConnected(): void {
    this.#setStatus(this.#status);
  }

  hostDisconnected(): void {
    this.#holdResponses(false);
  }

  /** After each host update: hold the response subscription while `expect-response` asks for it. */
  hostUpdated(): void {
    this.#holdResponses(this.#host.expectResponse && this.#host.isConnected);
  }

  /** Publishes (or with `expect-response`, requests); resolves with the decoded reply of a request. */
  async send(payload: unknown): Promise<unknown> {
    const host = this.#host;
    const { topic } = host;
    const publish = ++this.#latest;
    try {
      // Core's rule, asked before the first await so that a click's error is reported at once.
      publishTarget(topic, host.qos);
      const connection = this.#connections.value;
      if (!connection) throw new MqttElementsError('no-connection', 'this <mqtt-publish> has no <mqtt-connection> to publish through');
      const properties = publishProperties(host);
      const options = { qos: host.qos, retain: host.retain, ...(properties ? { properties } : {}) };
      this.#setStatus('pending');
      // Below, a format that encodes (cbor, sparkplug, a registered one with `encode`) makes the
      // bytes of what the device part passes on; its code, if it has any, is then there, so a reply
      // decodes at once. Awaited only then: a publish in another format goes out in the same task.
      let value: unknown;
      let end: PublishStatus = 'sent';
      if (host.expectResponse) {
        // The one rule for numeric attributes: a `response-timeout` that does not parse (or is not
        // above 0) is reported, and the request goes on with the default.
        const setting = numericSetting('response-timeout', writtenSetting(host, 'response-timeout', host.responseTimeout), DEFAULT_RESPONSE_TIMEOUT, { min: 0, aboveMin: true });
        if (setting.error) this.#errors.report(setting.error);
        const timeout = setting.value;
        // Through the device too: refused while it is unavailable (a request is not followed by state-topic).
        const reply = await this.#device.command(payload, async (body) =>
          connection.request(topic, encodes(host.format) ? await encodeFor(host.format, body) : body, { ...options, responseTopic: host.responseTopic, timeout }),
        );
        const decoded = decodeFor(reply.decoder, host.format, host.path);
        if (!decoded.ok) throw new MqttElementsError('payload-format', `the reply on ${reply.topic}: ${decoded.empty ? 'it is empty' : decoded.reason}`);
        value = this.#response = decoded.value;
        this.#show(value);
        const detail = { topic: reply.topic, payload: reply.payload, value, ...(reply.properties ? { properties: reply.properties } : {}) };
        host.dispatchEvent(new MqttResponseEvent(detail));
      } else {
        end = await this.#device.command(payload, async (body) => {
          const sent = await connection.publish(topic, encodes(host.format) ? await encodeFor(host.format, body) : body, options);
          host.dispatchEvent(new MqttPublishedEvent({ topic, payload: sent }));
          return 'sent' as const;
        });
      }
      if (publish === this.#latest) this.#setStatus(end);
      return value;
    } catch (e) {
      if (publish === this.#latest) this.#setStatus('error');
      const error = isMqttElementsError(e)
        ? e
        : new MqttElementsError('publish-failed', `publish to "${topic}" failed: ${(e as Error)?.message ?? e}`, { cause: e });
      this.#errors.report(error);
      throw error;
    }
  }

  #show(value: unknown): void {
    const host = this.#host;
    if (!host.target) return;
    const root = host.getRootNode() as Document | ShadowRoot;
    const bound = bindValue(root, host.target, host, value, (v) => this.#display.text(v));
    if (bound instanceof MqttElementsError) this.#errors.report(bound);
  }

  #holdResponses(hold: boolean): void {
    const connection = hold ? this.#connections.value : undefined;
    const topic = this.#host.responseTopic;
    if (connection === this.#heldOn && topic === this.#heldTopic) return;
    this.#releaseResponses?.();
    this.#releaseResponses = connection ? connection.requests.hold(topic) : undefined;
    this.#heldOn = connection;
    this.#heldTopic = topic;
  }

  #setStatus(status: PublishStatus): void {
    this.#status = status;
    if (this.#host.getAttribute('status') !== status) this.#host.setAttribute('status', status);
  }
}
