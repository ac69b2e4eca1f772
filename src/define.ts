/**
 * Registers the elements: `import 'mqtt-elements/define'` (or the main entry) in an app, or the
 * CDN script in a page. Idempotent, and a no-op on a server without a DOM (SSR imports it safely).
 */
import { ContextRoot } from '@lit/context';
import { isServer } from 'lit';
import { MqttConnectionElement } from './elements/connection/mqtt-connection.js';
import { MqttPublishElement } from './elements/publish/mqtt-publish.js';
import { MqttSubscribeElement } from './elements/subscribe/mqtt-subscribe.js';

const ROOT = Symbol.for('mqtt-elements/context-root');

if (!isServer && typeof customElements !== 'undefined' && typeof document !== 'undefined') {
  // Children that upgrade before their <mqtt-connection> (their tag defined first, or the
  // connection created later by a framework) get their request replayed when it appears.
  const holder = document as Document & { [ROOT]?: ContextRoot };
  if (!holder[ROOT]) {
    holder[ROOT] = new ContextRoot();
    holder[ROOT].attach(document.documentElement);
  }
  // The connection first, so a static page's children find their provider at once.
  MqttConnectionElement.define();
  MqttSubscribeElement.define();
  MqttPublishElement.define();
}
