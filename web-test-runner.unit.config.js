// Unit tests (`npm run test:unit`): every browser test file that is not a `*.broker.test.ts`, in
// Chromium and Firefox, with no broker: core against fake clients, the transport against a
// scripted socket, elements against a fake connection provided through mqttContext. No plugin
// runs a broker here, so a test that asks for one fails (executeServerCommand has no handler).
// BROWSERS=chromium or BROWSERS=firefox runs one; the default is both.
import { BROKER_TESTS, browserTestConfig } from './scripts/browser-tests.js';
import { lighterMqttPlugin } from './scripts/lighter-mqtt-plugin.js';

// On the MQTT.js of dist/, which the package ships (scripts/lighter-mqtt-plugin.js).
export default browserTestConfig({ files: ['test/**/*.test.ts', `!${BROKER_TESTS}`], plugins: [lighterMqttPlugin()] });
