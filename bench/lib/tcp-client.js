// A minimal MQTT client over TCP for the Node side of the benchmark: a publisher that writes a
// whole pre-encoded burst at once (MQTT.js or mosquitto_pub would be slower than the browser
// under test, and then the publisher, not the page, would be measured), and a subscriber that
// only counts PUBLISH packets.
import { connect } from 'node:net';
import { connectPacket, DISCONNECT, packetReader, subscribePacket } from '../../scripts/mqtt-wire.js';

const CONNACK = 2;
const PUBLISH = 3;
const SUBACK = 9;

/** Connects and waits for CONNACK; rejects after `timeoutMs`. */
export async function tcpClient(port, clientId, timeoutMs = 10000) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const waiters = new Map(); // packet type -> resolve
  let published = 0;
  let onPublish = () => {};
  const read = packetReader((type) => {
    if (type === PUBLISH) {
      published++;
      onPublish(published);
      return;
    }
    const resolve = waiters.get(type);
    waiters.delete(type);
    resolve?.();
  });
  socket.on('data', (chunk) => read(chunk));
  const next = (type, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(type, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connack = next(CONNACK, 'CONNACK');
  socket.write(connectPacket(clientId));
  await connack;

  return {
    /** Writes raw bytes; resolves once Node handed them to the kernel. */
    write: (bytes) => new Promise((resolve) => socket.write(bytes, () => resolve())),
    async subscribe(filters) {
      const suback = next(SUBACK, 'SUBACK');
      socket.write(subscribePacket(1, filters));
      await suback;
    },
    /** Resolves when `count` PUBLISH packets have arrived in all (counted from the connect). */
    received(count, timeoutMs = 60000) {
      if (published >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${published} of ${count} messages arrived within ${timeoutMs} ms`)),
          timeoutMs,
        );
        onPublish = (n) => {
          if (n < count) return;
          clearTimeout(timer);
          onPublish = () => {};
          resolve();
        };
      });
    },
    get published() {
      return published;
    },
    async close() {
      socket.end(DISCONNECT);
      await new Promise((resolve) => {
        socket.once('close', resolve);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 1000).unref();
      });
    },
  };
}
