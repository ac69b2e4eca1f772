// Embedded aedes broker (MQTT 3.1.1 over WebSocket) shared by the test runner and the demo.
// Plain ESM JavaScript so that Node loads it without a compile step.
import { createServer } from 'node:http';
import { WebSocketServer, createWebSocketStream } from 'ws';

/**
 * Creates an aedes broker. `hooks` are aedes options (authenticate, authorizeSubscribe, ...).
 * aedes 1.x has no default export any more and its factory is async (it starts persistence).
 * @param {import('aedes').AedesOptions} [hooks]
 * @returns {Promise<import('aedes').Aedes>}
 */
export async function createAedes(hooks = {}) {
  const { Aedes } = await import('aedes');
  return Aedes.createBroker(hooks);
}

/**
 * Serves MQTT over WebSocket on `path` of an existing HTTP server. Only upgrades for that path
 * are taken, so other upgrade handlers on the same server (Vite's HMR socket) keep working.
 * @param {import("node:events").EventEmitter} httpServer an http(s) server: only its "upgrade" event is used
 * @param {import('aedes').Aedes} broker
 * @returns {() => void} detaches the handler and closes open WebSockets
 */
export function attachMqttWebSocket(httpServer, broker, path = '/mqtt') {
  // noServer: a WebSocketServer bound to a server would answer (and reject) every upgrade.
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      // A peer that vanishes mid-write makes the duplex emit 'error'; aedes also listens,
      // but an extra no-op listener guarantees an unhandled 'error' never kills the process.
      stream.on('error', () => {});
      broker.handle(stream, req);
    });
  };
  httpServer.on('upgrade', onUpgrade);
  return () => {
    httpServer.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}

/**
 * Starts aedes on its own HTTP server on 127.0.0.1.
 * @param {{port?: number, path?: string, hooks?: import('aedes').AedesOptions}} [options]
 */
export async function startAedesServer({ port = 0, path = '/mqtt', hooks } = {}) {
  const broker = await createAedes(hooks);
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const detach = attachMqttWebSocket(server, broker, path);
  // Every socket, upgraded or not, until it closes. An upgrade to another path is left
  // unanswered on purpose (tests use it for a broker that never answers), and nothing reads
  // such a socket, so its peer's close goes unseen: server.close() would wait for it forever.
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    broker,
    server,
    port: actualPort,
    url: `ws://127.0.0.1:${actualPort}${path}`,
    async close() {
      detach();
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise((resolve) => server.close(() => resolve(undefined))),
        new Promise((resolve) => broker.close(() => resolve(undefined))),
      ]);
    },
  };
}
