/** @jsxImportSource preact */
// Type-level test, never run: the tags in Preact JSX, through the generated
// `mqtt-elements/types/preact` (types/preact.d.ts, made from custom-elements.json by
// scripts/generate-framework-types.js). Checked against src/ by `npm run typecheck` and against
// the built package by `npm run test:types`.
import type {} from 'mqtt-elements/types/preact';
import type { JSX } from 'preact';
import type { ConnectionStatus } from 'mqtt-elements';

function expectType<T>(value: T): T {
  return value;
}

export function Dashboard({ onValue }: { onValue: (value: unknown) => void }): JSX.Element {
  return (
    <mqtt-connection
      url="ws://localhost:8083/mqtt"
      client-id="dash-1"
      reconnect-max={60000}
      onmqtt-status={(e) => expectType<ConnectionStatus>(e.detail.status)}
      class="conn"
    >
      <mqtt-subscribe topic="home/kitchen/temperature" format="json" path="celsius" qos={1} onmqtt-message={(e) => onValue(e.detail.value)}>
        –
      </mqtt-subscribe>
      <mqtt-publish topic="home/light/set" payload={{ on: true }} onmqtt-published={(e) => expectType<string>(e.detail.topic)}>
        <button>Toggle</button>
      </mqtt-publish>
      <mqtt-chart topic="home/+/temperature" window={600} />

      {/* @ts-expect-error misspelt attribute: `topik` is not one */}
      <mqtt-subscribe topik="a" />
      <mqtt-subscribe topic="a" format="sparkplug" />
      {/* @ts-expect-error format is a name: 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug' | a registered one */}
      <mqtt-subscribe topic="a" format={1} />
      {/* @ts-expect-error history is a number */}
      <mqtt-subscribe topic="a" history="ten" />
      {/* @ts-expect-error sparkline is a boolean */}
      <mqtt-chart topic="a" sparkline="yes" />
    </mqtt-connection>
  );
}
