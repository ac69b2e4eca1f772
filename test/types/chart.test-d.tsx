// Type-level test, never run: `mqtt-elements/chart` and its React wrapper from TypeScript, checked
// against src/ by `npm run typecheck` and against the built dist/ by `npm run test:types`.
import 'mqtt-elements/chart';
import { MqttChartElement, type ChartSeries } from 'mqtt-elements/chart';
import { MqttChart, type MqttChartProps } from 'mqtt-elements/chart/react';
import type { ReactElement } from 'react';
import type { MqttElementsError, SubscriptionStatus } from 'mqtt-elements';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert<_T extends true>(): void {}
function expectType<T>(value: T): T {
  return value;
}

export function chartElement(): void {
  const chart = document.querySelector('mqtt-chart')!;
  assert<Equal<typeof chart, MqttChartElement>>();
  const made = document.createElement('mqtt-chart');
  assert<Equal<typeof made, MqttChartElement>>();
  made.topic = 'home/kitchen/temperature';

  // Settings: attributes arrive as strings, properties may be numbers.
  chart.topic = 'home/+/temperature';
  chart.window = 60;
  chart.maxPoints = '500';
  chart.maxSeries = 50;
  chart.labelLevel = 1;
  chart.decimals = 1;
  chart.thresholds = '20 25';
  chart.sparkline = true;
  chart.format = 'text';
  chart.format = 'cbor';
  chart.format = 'my-registered-format'; // any name given to registerFormat()
  // @ts-expect-error: a format is a name
  chart.format = 1;

  // Read-only state, typed.
  expectType<readonly ChartSeries[]>(chart.series);
  const [first] = chart.series;
  expectType<string | undefined>(first?.topic);
  expectType<readonly (readonly [number, number])[] | undefined>(first?.points);
  expectType<SubscriptionStatus>(chart.status);
  expectType<MqttElementsError | undefined>(chart.error);
  expectType<number>(chart.drawCount);
  // @ts-expect-error: read-only
  chart.series = [];
  // @ts-expect-error: points are read-only
  first?.points.push([0, 1]);

  chart.addEventListener('mqtt-error', (e) => expectType<string | undefined>(e.detail.error.code));
}

export function reactWrapper(): ReactElement {
  const props: MqttChartProps = { topic: 'home/+/temperature', window: 60, labelLevel: 1 };
  return (
    <MqttChart {...props} sparkline onMqttError={(e) => expectType<string | undefined>(e.detail.error.code)} />
  );
}
