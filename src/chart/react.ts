/**
 * The React wrapper of `<mqtt-chart>`: `import { MqttChart } from 'mqtt-elements/chart/react'`.
 * Importing it registers the chart (and the main entry's elements). It is an entry of its own,
 * beside `mqtt-elements/react`, so that apps which do not chart never load uPlot.
 *
 * Made with `@lit/react`, as the other wrappers: props that are element properties (`topic`,
 * `window`, `maxPoints`, `labelLevel`, …) are set as properties, and `onMqttError` listens for
 * `mqtt-error`.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { MqttErrorEvent } from '../events.js';
import { MqttChartElement } from './index.js';

/** `<mqtt-chart>`: `onMqttError` for bad settings, a refused subscription or a payload that is no number. */
export const MqttChart = createComponent({
  react: React,
  tagName: 'mqtt-chart',
  elementClass: MqttChartElement,
  displayName: 'MqttChart',
  events: { onMqttError: MqttErrorEvent.type as EventName<MqttErrorEvent> },
});

/** Props of the wrapper, for components that pass them on. */
export type MqttChartProps = React.ComponentProps<typeof MqttChart>;
