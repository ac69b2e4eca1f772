// Type-level test, never run: an app's use of the elements from plain TypeScript must type-check
// with no casts, and wrong use must not. Checked twice: by `npm run typecheck` against src/
// (tsconfig.json maps `mqtt-elements` there) and by `npm run test:types` against the built dist/
// d.ts, resolved through package.json `exports` exactly as an installed package would be.
import 'mqtt-elements';
import {
  MqttConnection as CoreConnection,
  MqttConnectionElement,
  MqttElementsError,
  MqttMessageEvent,
  MqttPublishElement,
  MqttSubscribeElement,
  type ConnectionStatus,
  type MqttErrorCode,
  type MqttMessage,
  type SubscriptionStatus,
} from 'mqtt-elements';
import type { IConnackPacket } from 'mqtt';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert<_T extends true>(): void {}
function expectType<T>(value: T): T {
  return value;
}

export function tagNameMap(): void {
  // querySelector and createElement know the tags.
  const subscribe = document.querySelector('mqtt-subscribe')!;
  assert<Equal<typeof subscribe, MqttSubscribeElement>>();
  const connection = document.querySelector('mqtt-connection')!;
  assert<Equal<typeof connection, MqttConnectionElement>>();
  const publish = document.createElement('mqtt-publish');
  assert<Equal<typeof publish, MqttPublishElement>>();

  // Read-only state, typed.
  expectType<unknown>(subscribe.value);
  expectType<MqttMessage | undefined>(subscribe.message);
  expectType<readonly MqttMessage[]>(subscribe.messages);
  expectType<Uint8Array | undefined>(subscribe.message?.payload);
  expectType<MqttErrorCode | undefined>(subscribe.error?.code);
  expectType<CoreConnection>(connection.connection);

  // `status` is a union of literals, one per element.
  assert<Equal<typeof connection.status, 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed' | 'error'>>();
  assert<Equal<typeof subscribe.status, 'idle' | 'pending' | 'subscribed' | 'error'>>();
  assert<Equal<typeof connection.status, ConnectionStatus>>();
  assert<Equal<typeof subscribe.status, SubscriptionStatus>>();
  // @ts-expect-error a subscription is never "connected" (the comparison has no overlap)
  if (subscribe.status === 'connected') return;

  // Settable properties keep their types.
  subscribe.topic = 'home/+/temperature';
  subscribe.format = 'json';
  subscribe.history = 10;
  connection.options = { keepalive: 30 };
  connection.credentials = async () => ({ username: 'u', password: 'p' });
  publish.qos = 1;
  void publish.publish({ on: true });

  subscribe.format = 'cbor';
  subscribe.format = 'my-registered-format';
  // @ts-expect-error format is a name: 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug' | a registered one
  subscribe.format = 1;
  // @ts-expect-error history is a number
  subscribe.history = 'ten';
  // @ts-expect-error value is read-only
  subscribe.value = 1;
  // @ts-expect-error status is read-only
  connection.status = 'connected';
  // @ts-expect-error an unknown tag is a plain Element, with no `value`
  void document.querySelector('mqtt-unknown')!.value;
}

export function eventMap(subscribe: MqttSubscribeElement, connection: MqttConnectionElement, publish: MqttPublishElement): void {
  // Listeners get the event class, detail included, with no casts.
  subscribe.addEventListener('mqtt-message', (e) => {
    assert<Equal<typeof e, MqttMessageEvent>>();
    expectType<string>(e.detail.topic);
    expectType<Uint8Array>(e.detail.payload);
    expectType<unknown>(e.detail.value);
    expectType<boolean>(e.detail.retained);
    expectType<0 | 1 | 2>(e.detail.qos);
    // @ts-expect-error the detail has `topic`, not `message`
    void e.detail.message;
    // @ts-expect-error `payload` is bytes, not text
    e.detail.payload.toUpperCase();
  });
  subscribe.addEventListener('mqtt-error', (e) => {
    expectType<Error>(e.detail.error);
    expectType<string | undefined>(e.detail.error.code);
    if (e.detail.error instanceof MqttElementsError) expectType<MqttErrorCode>(e.detail.error.code);
  });
  connection.addEventListener('mqtt-status', (e) => {
    expectType<ConnectionStatus>(e.detail.status);
    expectType<Error | undefined>(e.detail.error);
    // @ts-expect-error the status detail has no `value`
    void e.detail.value;
  });
  connection.addEventListener('mqtt-connect', (e) => expectType<IConnackPacket>(e.detail.connack));
  publish.addEventListener('mqtt-published', (e) => {
    expectType<string>(e.detail.topic);
    expectType<string | Uint8Array>(e.detail.payload);
  });
  // The events bubble: a page listens once, on the document or the window.
  document.addEventListener('mqtt-message', (e) => expectType<string>(e.detail.topic));
  window.addEventListener('mqtt-error', (e) => expectType<string | undefined>(e.detail.error.code));
  // @ts-expect-error a listener for mqtt-message does not take an mqtt-status event
  document.addEventListener('mqtt-message', (e: CustomEvent<{ status: ConnectionStatus }>) => e.detail.status);
}

export function coreClass(): void {
  // The core class works without any element.
  const core = new CoreConnection();
  const release = core.subscribe('a/#', { qos: 1 }, (message) => expectType<string>(message.topic));
  release();
  // @ts-expect-error QoS is 0, 1 or 2
  core.subscribe('a/#', { qos: 3 }, () => {});
}
