import { createContext } from '@lit/context';
import type { MqttConnection } from './core/connection.js';

/**
 * The context through which `<mqtt-connection>` hands its {@link MqttConnection} to descendants.
 * The key is a global symbol so that two copies of the package on one page still meet.
 */
export const mqttContext = createContext<MqttConnection | undefined>(
  Symbol.for('mqtt-elements/connection'),
);
