/**
 * React wrappers for the elements: `import { MqttConnection, MqttSubscribe, MqttPublish } from
 * 'mqtt-elements/react'`. Importing this module registers the elements too.
 *
 * Made with `@lit/react`: props that are element properties (`topic`, `qos`, `options`,
 * `credentials`, …) are set as properties, so objects and functions reach the element intact, and
 * the `onMqtt*` props are added as listeners for the `mqtt-*` events, typed with their details.
 * The events bubble: `onMqttMessage` or `onMqttError` on a `MqttConnection` hears every element
 * inside it. The core `MqttConnection` class of `mqtt-elements` has the same name as the wrapper
 * here; import the one you need from its own entry point (or rename on import).
 *
 * `<mqtt-chart>`'s wrapper, `MqttChart`, is in `mqtt-elements/chart/react`: importing it here
 * would load uPlot into every React app, charting or not.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import './define.js';
import { MqttConnectionElement } from './elements/connection/mqtt-connection.js';
import { MqttPublishElement } from './elements/publish/mqtt-publish.js';
import { MqttSubscribeElement } from './elements/subscribe/mqtt-subscribe.js';
import {
  MqttConnectEvent,
  MqttErrorEvent,
  MqttMessageEvent,
  MqttPublishedEvent,
  MqttResponseEvent,
  MqttStatusEvent,
} from './events.js';

/** Every element may report errors. */
const errorEvents = {
  onMqttError: MqttErrorEvent.type as EventName<MqttErrorEvent>,
};

/** `<mqtt-subscribe>`: its messages. */
const messageEvents = {
  onMqttMessage: MqttMessageEvent.type as EventName<MqttMessageEvent>,
};

/** `<mqtt-publish>`: its completed publishes, and the replies to its requests. */
const publishedEvents = {
  onMqttPublished: MqttPublishedEvent.type as EventName<MqttPublishedEvent>,
  onMqttResponse: MqttResponseEvent.type as EventName<MqttResponseEvent>,
};

/**
 * `<mqtt-connection>`. Besides its own `onMqttStatus` and `onMqttConnect`, it takes the
 * events of the elements inside it, which bubble up to it: one place to listen for a whole panel.
 */
export const MqttConnection = createComponent({
  react: React,
  tagName: 'mqtt-connection',
  elementClass: MqttConnectionElement,
  displayName: 'MqttConnection',
  events: {
    onMqttStatus: MqttStatusEvent.type as EventName<MqttStatusEvent>,
    onMqttConnect: MqttConnectEvent.type as EventName<MqttConnectEvent>,
    ...errorEvents,
    ...messageEvents,
    ...publishedEvents,
  },
});

/** `<mqtt-subscribe>`: `onMqttMessage` for every message matching `topic`, and `onMqttError`. */
export const MqttSubscribe = createComponent({
  react: React,
  tagName: 'mqtt-subscribe',
  elementClass: MqttSubscribeElement,
  displayName: 'MqttSubscribe',
  events: { ...messageEvents, ...errorEvents },
});

/** `<mqtt-publish>`: `onMqttPublished` once a publish completed, `onMqttResponse` for a request's reply, and `onMqttError`. */
export const MqttPublish = createComponent({
  react: React,
  tagName: 'mqtt-publish',
  elementClass: MqttPublishElement,
  displayName: 'MqttPublish',
  events: { ...publishedEvents, ...errorEvents },
});

/** Props of the wrappers, for components that pass them on. */
export type MqttConnectionProps = React.ComponentProps<typeof MqttConnection>;
export type MqttSubscribeProps = React.ComponentProps<typeof MqttSubscribe>;
export type MqttPublishProps = React.ComponentProps<typeof MqttPublish>;
