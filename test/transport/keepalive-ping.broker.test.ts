// When MQTT.js's PINGREQ really goes out on the keepalive timer (src/transport/keepalive-timer.ts),
// against aedes: a quarter of the keepalive after the broker was last heard from, so that a proxy
// closing after `keepalive` s without traffic from the broker sees the PINGRESP first (README:
// Behind a reverse proxy). Behind nginx itself: test/e2e/proxy.test.js.
import { expect } from '@open-wc/testing';
import type { Packet } from 'mqtt';
import { connectOverWebSocket } from '../../src/transport/connect.js';
import { getBrokers, once, uid, waitFor } from '../support/brokers.js';

describe('transport: keepalive pings against a broker', () => {
  it('sends each PINGREQ a second early with a 2 s keepalive, after the CONNACK or PINGRESP before it', async () => {
    const { aedes } = await getBrokers();
    const KEEPALIVE_S = 2;
    const client = connectOverWebSocket(aedes.url, { clientId: uid('ka'), keepalive: KEEPALIVE_S, reconnectPeriod: 0 });
    /** `[command, ms]` of every packet received and every PINGREQ sent. */
    const packets: Array<[string, number]> = [];
    client.on('packetreceive', (packet: Packet) => packets.push([packet.cmd, performance.now()]));
    client.on('packetsend', (packet: Packet) => packet.cmd === 'pingreq' && packets.push(['pingreq', performance.now()]));
    await once(client, 'connect');
    await waitFor(() => packets.filter(([cmd]) => cmd === 'pingresp').length >= 3, { timeout: 8000, message: '3 PINGRESPs' });
    client.end(true);
    const waits = packets.flatMap(([cmd, at], i) => (cmd === 'pingreq' ? [Math.round(at - packets[i - 1]![1])] : []));
    // A quarter early but at least 1 s: 1 s of a 2 s keepalive (timers fire late on a loaded
    // machine, never early: hence the room above). The code before the rule pinged after 2 s,
    // the very moment such a proxy closes.
    expect(waits, 'PINGREQs').to.have.length.of.at.least(3);
    for (const wait of waits) expect(wait, `ms from the last packet to each PINGREQ: ${waits.join(', ')}`).to.be.within(950, 1900);
  });
});
