// Integration tests (`npm run test:integration`): the `*.broker.test.ts` files, against real
// brokers (aedes embedded, mosquitto spawned by scripts/broker-plugin.js) in Chromium and Firefox.
// BROWSERS=chromium or BROWSERS=firefox runs one; the default is both.
import { brokerPlugin } from './scripts/broker-plugin.js';
import { BROKER_TESTS, browserTestConfig } from './scripts/browser-tests.js';

export default browserTestConfig({ files: [BROKER_TESTS], plugins: [brokerPlugin()] });
