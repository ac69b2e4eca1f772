/**
 * mqtt-elements: importing this registers `<mqtt-connection>`, `<mqtt-subscribe>` and
 * `<mqtt-publish>`, and exports their classes and the pieces they are built from.
 */
import './define.js';

export { MqttConnectionElement } from './elements/connection/mqtt-connection.js';
export { MqttSubscribeElement, type MqttMessage } from './elements/subscribe/mqtt-subscribe.js';
export { MqttPublishElement, type PublishStatus } from './elements/publish/mqtt-publish.js';
export { mqttContext } from './context.js';
export { MqttElementsError, isMqttElementsError, type MqttErrorCode } from './errors.js';
export * from './events.js';
export {
  MqttConnection,
  type ConnectionStatus,
  type ConnectionListener,
  type CredentialsProvider,
  type PublishOptions,
} from './core/connection.js';
export type { SubscribeOptions, SubscriptionStatus } from './core/subscriptions.js';
export type { ReceivedMessage } from './core/message.js';
export type { PayloadFormat, BuiltInPayloadFormat } from './core/payload.js';
export { registerFormat, type FormatCodec } from './core/payload-formats.js';
export type { QoS } from './core/options.js';
export { topicMatches, topicFilterError, topicNameError } from './core/topic.js';
