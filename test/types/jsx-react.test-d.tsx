// Type-level test, never run: the tags themselves in React 19 JSX (no wrapper), through the
// generated `mqtt-elements/types/react` (types/react.d.ts, made from custom-elements.json by
// scripts/generate-framework-types.js). Checked against src/ by `npm run typecheck` and against
// the built package by `npm run test:types`.
import type {} from 'mqtt-elements/types/react';
import type {} from 'mqtt-elements/types/preact'; // both at once: neither disturbs the other
import type { ReactElement } from 'react';
import type { ConnectionStatus } from 'mqtt-elements';

function expectType<T>(value: T): T {
  return value;
}

export function Dashboard({ onValue }: { onValue: (value: unknown) => void }): ReactElement {
  return (
    <mqtt-connection
      url="ws://localhost:8083/mqtt"
      client-id="dash-1"
      clientId="dash-1"
      keepalive={30}
      persistent-session
      protocol-version={5}
      store="indexeddb"
      options={{ keepalive: 30 }}
      credentials={async () => ({ username: 'dash', password: 'secret' })}
      onmqtt-status={(e) => expectType<ConnectionStatus>(e.detail.status)}
      onmqtt-connect={(e) => expectType<boolean | undefined>(e.detail.connack.sessionPresent)}
      onmqtt-error={(e) => expectType<Error>(e.detail.error)}
      className="conn"
    >
      <mqtt-subscribe
        topic="home/kitchen/temperature"
        format="json"
        path="celsius"
        qos={1}
        history={5}
        stale-after={60}
        labels={{ on: 'On' }}
        onmqtt-message={(e) => onValue(e.detail.value)}
      >
        –
      </mqtt-subscribe>
      <mqtt-publish topic="home/light/set" retain expect-response onmqtt-response={(e) => onValue(e.detail.value)}>
        <button>Toggle</button>
      </mqtt-publish>
      <mqtt-chart topic="home/+/temperature" max-points={500} sparkline onmqtt-error={(e) => expectType<Error>(e.detail.error)} />

      {/* @ts-expect-error misspelt attribute: `topik` is not one */}
      <mqtt-subscribe topik="a" />
      <mqtt-subscribe topic="a" format="sparkplug" />
      {/* @ts-expect-error format is a name: 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug' | a registered one */}
      <mqtt-subscribe topic="a" format={1} />
      {/* @ts-expect-error keepalive is a number */}
      <mqtt-connection url="/mqtt" keepalive="thirty" />
      {/* @ts-expect-error store is 'memory' | 'indexeddb' */}
      <mqtt-connection url="/mqtt" store="local" />
      {/* @ts-expect-error persistent-session is a boolean attribute */}
      <mqtt-connection url="/mqtt" persistent-session="yes" />
      {/* @ts-expect-error the mqtt-message detail has `value`, not `data` */}
      <mqtt-subscribe topic="a" onmqtt-message={(e) => e.detail.data} />
      {/* @ts-expect-error status is read-only: the element reflects it, a page does not set it */}
      <mqtt-subscribe topic="a" status="subscribed" />
    </mqtt-connection>
  );
}
