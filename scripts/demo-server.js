// `npm start`'s servers, started from a script: Vite with vite.config.ts (the demo pages, the
// embedded broker at /mqtt, the simulated plant) on a free 127.0.0.1 port. For the demo's
// whole-page test (test/e2e/demo.test.js) and `npm run screenshots` (scripts/demo-screenshots.js).
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

/**
 * Starts the demo server; `close()` stops it, and with it the broker and the simulated plant.
 * Files are not watched (a source edited elsewhere must not reload a page under test), and the
 * pre-bundled dependencies have their own cache, apart from a running `npm start`'s.
 * @param {{port?: number}} [options]
 * @returns {Promise<{base: string, close(): Promise<void>}>}
 */
export async function startDemoServer({ port = 0 } = {}) {
  const server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    cacheDir: fileURLToPath(new URL('../node_modules/.vite-demo-test', import.meta.url)),
    server: { port, strictPort: true, watch: null, hmr: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address !== 'object') throw new Error('the demo server did not listen');
  return { base: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
