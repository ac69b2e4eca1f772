import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { mqttContext } from '../../context.js';
import type { MqttConnection } from '../../core/connection.js';
import { MqttElementsError } from '../../errors.js';

/** An element that reads a connection: the nearest `<mqtt-connection>`, or one named by id. */
export interface ConnectionHost extends ReactiveElement {
  /** Id of an `<mqtt-connection>` to use instead of the nearest ancestor. */
  connection?: string | undefined;
}

/**
 * Finds the `MqttConnection` an element uses and tells the element when it changes: through the
 * context from the nearest ancestor, or by id when `connection="id"` names one elsewhere. When
 * none turns up once the page has settled, `missing` holds a `no-connection` error.
 */
export class ConnectionController implements ReactiveController {
  readonly #host: ConnectionHost;
  #fromContext?: MqttConnection;
  #byId?: MqttConnection;
  #lookedUpId?: string;
  #settled = false;

  constructor(host: ConnectionHost) {
    this.#host = host;
    host.addController(this);
    new ContextConsumer(host, {
      context: mqttContext,
      subscribe: true,
      callback: (value) => {
        this.#fromContext = value;
        host.requestUpdate();
      },
    });
  }

  /** The connection to use, if one was found. */
  get value(): MqttConnection | undefined {
    return this.#host.connection ? this.#byId : this.#fromContext;
  }

  /** A `no-connection` error once the page has settled without a connection, else undefined. */
  get missing(): MqttElementsError | undefined {
    if (this.value || !this.#settled) return undefined;
    const id = this.#host.connection;
    return new MqttElementsError(
      'no-connection',
      id
        ? `no <mqtt-connection id="${id}"> found in this element's document or shadow root`
        : 'this element is not inside an <mqtt-connection> and names none with connection="id"',
    );
  }

  /** The host entered a document: look for its connection afresh. */
  hostConnected(): void {
    // Forget the provider of a previous place in the DOM: the consumer asks again right after
    // this (it was added after this controller), and whoever answers now is the one to use. An
    // element moved out of its <mqtt-connection> must not keep using it.
    this.#fromContext = undefined;
    this.#settled = false;
    this.#lookedUpId = undefined;
    // Give ancestors that upgrade later (ContextRoot replays the request) and pages still
    // parsing a chance before calling the connection missing.
    void customElements.whenDefined('mqtt-connection').then(() => this.#settleSoon());
  }

  /** Before each host update: follow a changed `connection` id. */
  hostUpdate(): void {
    const id = this.#host.connection;
    if (id && id !== this.#lookedUpId) {
      this.#lookedUpId = id;
      this.#byId = this.#lookup(id);
    } else if (!id) {
      this.#lookedUpId = undefined;
      this.#byId = undefined;
    }
  }

  #lookup(id: string): MqttConnection | undefined {
    const root = this.#host.getRootNode() as Document | ShadowRoot;
    const element = (root.getElementById?.(id) ?? document.getElementById(id)) as
      | (HTMLElement & { connection?: MqttConnection })
      | null;
    if (!element) return undefined;
    if (element.connection) return element.connection;
    // Present but not upgraded yet: look again once it is.
    void customElements.whenDefined(element.localName).then(() => {
      this.#lookedUpId = undefined;
      this.#host.requestUpdate();
    });
    return undefined;
  }

  #settleSoon(): void {
    const settle = () => {
      setTimeout(() => {
        if (!this.#host.isConnected) return;
        this.#settled = true;
        this.#lookedUpId = undefined;
        this.#host.requestUpdate();
      });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', settle, { once: true });
    else settle();
  }
}
