// Integration tests (`npm run test:integration`): the `*.broker.test.ts` files, against real
// brokers (aedes embedded; mosquitto, ejabberd and RabbitMQ spawned by scripts/broker-plugin.js)
// in Chromium and Firefox. BROWSERS=chromium or BROWSERS=firefox runs one; the default is both.
import { brokerPlugin } from './scripts/broker-plugin.js';
import { BROKER_TESTS, browserTestConfig, wantedBrowsers } from './scripts/browser-tests.js';
import { lighterMqttPlugin } from './scripts/lighter-mqtt-plugin.js';
import { scriptedBrokerPlugin } from './scripts/scripted-broker.js';

// The whole suite boots RabbitMQ (a node, then a 2-node cluster per browser for the failover
// test, which kills a node) in the background from the start; a run of chosen --files boots
// them only when a test asks.
const chosenFiles = process.argv.some((arg) => arg === '--files' || arg.startsWith('--files='));

export default browserTestConfig({
  files: [BROKER_TESTS],
  // The MQTT.js of dist/, which the package ships (scripts/lighter-mqtt-plugin.js).
  plugins: [lighterMqttPlugin(), brokerPlugin({ rabbitmq: chosenFiles ? 'lazy' : 'eager', clusters: wantedBrowsers().length }), scriptedBrokerPlugin()],
});
