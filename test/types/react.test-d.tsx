// Type-level test, never run: a React app's use of `mqtt-elements/react`, in JSX and with
// createElement. Checked against src/ by `npm run typecheck` and against the built dist/ d.ts
// (through package.json `exports`) by `npm run test:types`.
import { createElement, useRef, type ReactElement } from 'react';
import {
  MqttConnection,
  MqttPublish,
  MqttSubscribe,
  type MqttSubscribeProps,
} from 'mqtt-elements/react';
import {
  // The core class has the wrapper's name: an app renames one of them on import.
  MqttConnection as CoreConnection,
  type ConnectionStatus,
  type MqttConnectionElement,
  type MqttErrorCode,
  type MqttMessageEvent,
  type MqttSubscribeElement,
} from 'mqtt-elements';

function expectType<T>(value: T): T {
  return value;
}

export function Dashboard({ onValue }: { onValue: (value: unknown) => void }): ReactElement {
  const subscribe = useRef<MqttSubscribeElement>(null);
  const connection = useRef<MqttConnectionElement>(null);
  return (
    <MqttConnection
      ref={connection}
      url="ws://localhost:8083/mqtt"
      clientId="dash-1"
      protocolVersion={5}
      options={{ keepalive: 30 }}
      credentials={async () => ({ username: 'dash', password: 'secret' })}
      onMqttStatus={(e) => expectType<ConnectionStatus>(e.detail.status)}
      onMqttConnect={(e) => expectType<boolean | undefined>(e.detail.connack.sessionPresent)}
      // Events bubble: the connection hears the elements inside it.
      onMqttMessage={(e) => expectType<string>(e.detail.topic)}
      onMqttError={(e) => expectType<string | undefined>(e.detail.error.code)}
    >
      <p>
        Temperature:{' '}
        <MqttSubscribe
          ref={subscribe}
          className="reading"
          topic="home/+/temperature"
          format="json"
          path="celsius"
          qos={1}
          history={5}
          onMqttMessage={(e) => onValue(e.detail.value)}
          onMqttError={(e) => expectType<Error>(e.detail.error)}
        >
          –
        </MqttSubscribe>
      </p>
      <MqttPublish
        topic="home/light/set"
        qos={1}
        retain
        onMqttPublished={(e) => expectType<string | Uint8Array>(e.detail.payload)}
      >
        <input type="checkbox" />
      </MqttPublish>
      <MqttSubscribe
        topic="a"
        // @ts-expect-error the mqtt-message detail has `value`, not `data`
        onMqttMessage={(e) => e.detail.data}
      />
      <MqttSubscribe
        topic="a"
        // @ts-expect-error format is a name: 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug' | a registered one
        format={1}
      />
      <MqttSubscribe
        topic="a"
        // @ts-expect-error history is a number
        history="ten"
      />
      <MqttSubscribe
        topic="a"
        // @ts-expect-error no such prop
        bogus="x"
      />
      <MqttPublish
        topic="a"
        // @ts-expect-error <mqtt-publish> fires no mqtt-status
        onMqttStatus={() => {}}
      />
    </MqttConnection>
  );
}

export function withCreateElement(): ReactElement {
  const onMessage = (e: MqttMessageEvent) => expectType<unknown>(e.detail.value);
  const props: MqttSubscribeProps = { topic: 'home/#', format: 'text', onMqttMessage: onMessage };
  // @ts-expect-error qos takes a number or a string, not an object
  const wrong: MqttSubscribeProps = { topic: 'home/#', qos: { level: 1 } };
  return createElement(
    MqttConnection,
    { url: '/mqtt', onMqttStatus: (e) => expectType<ConnectionStatus>(e.detail.status) },
    createElement(MqttSubscribe, props),
    createElement(MqttSubscribe, wrong),
    createElement(MqttSubscribe, {
      topic: 'home/#',
      onMqttError: (e) => {
        if ('code' in e.detail.error) expectType<MqttErrorCode | string | undefined>(e.detail.error.code);
      },
    }),
  );
}

export function coreAlongside(): CoreConnection {
  return new CoreConnection();
}
