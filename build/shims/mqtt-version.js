// Stands in, in the CDN bundle and dist/vendor/mqtt.js, for MQTT.js's own package.json, which
// lib/shared.js requires for one field: `require('../../package.json').version` (MQTTJS_VERSION).
// Required whole, the file is about 1.7 KB gzip of the bundle (contributors, scripts,
// dependencies…); this module has only the version, read from the same file at build time, so
// the value is MQTT.js's own. An ES module, so the bundler keeps just the `version` export.
export { version } from 'mqtt/package.json';
