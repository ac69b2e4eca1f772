// The embedded broker the browser tests and the demo use must stop when asked, even with a
// WebSocket upgrade left unanswered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { startAedesServer } from '../../scripts/aedes-broker.js';
import { within } from '../../scripts/time-limit.js';

describe('startAedesServer().close()', () => {
  it('returns although a WebSocket upgrade to another path was left unanswered and its peer is gone', async () => {
    const aedes = await startAedesServer();
    const upgrade = once(aedes.server, 'upgrade');
    const socket = connect(aedes.port, '127.0.0.1');
    await once(socket, 'connect');
    // The handshake a browser sends for ws://…/silent: aedes only answers /mqtt.
    socket.write(
      'GET /silent HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await upgrade;
    socket.destroy();
    await within(aedes.close(), 5000, 'close()');
    assert.equal(aedes.server.listening, false);
  });

  it('returns with an MQTT client still connected over WebSocket', async () => {
    const aedes = await startAedesServer();
    const { default: mqtt } = await import('mqtt');
    const client = mqtt.connect(aedes.url, { reconnectPeriod: 0 });
    await once(client, 'connect');
    const closed = once(client, 'close');
    await within(aedes.close(), 5000, 'close()');
    await within(closed, 5000, 'the client seeing the close');
    client.end(true);
    assert.equal(aedes.server.listening, false);
  });
});
