// MQTT.js by hand, as its README shows it: the page MQTT.js #1257 is about. `timer` picks its
// `timerVariant` ('auto', its default, starts worker-timers' blob: worker; 'native' is the page's
// own setInterval, all that a CSP without blob: workers leaves).
import mqtt from '/node_modules/mqtt/dist/mqtt.esm.js';

const params = new URLSearchParams(location.search);
const client = mqtt.connect(params.get('url'), {
  clientId: params.get('id'),
  keepalive: Number(params.get('keepalive')),
  timerVariant: params.get('timer') ?? 'auto',
});
for (const type of ['connect', 'close', 'offline', 'reconnect', 'error']) {
  client.on(type, () => window.probe.note(window.probe.status, type));
}
