// The README's first screen, "A live value in a minute", as a person new to the package follows
// it: its mosquitto config started with its own `mosquitto -c` command (only the ports rewritten
// to free ones), its page served as written (only the pinned CDN URL pointed at the built
// cdn/mqtt-elements.js, and the broker port at the rewritten one), and its one `mosquitto_pub`
// command run: the value must appear on the page. Everything is read from README.md, so an edit
// that breaks the snippet, the config, the command or their agreement (port, topic, version)
// fails here. Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inEachBrowser, serveStatic, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
const HEADING = '## A live value in a minute';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

if (!existsSync(join(root, pkg.unpkg))) throw new Error(`${pkg.unpkg} is missing: run npm run build first`);

/** The README's first section after the title: the first screen. */
export function firstScreen(readme) {
  const start = readme.indexOf(`\n${HEADING}\n`);
  assert.ok(start >= 0, `README.md has a "${HEADING}" section`);
  assert.ok(readme.indexOf('\n## ') === start, `"${HEADING}" is the README's first section, right under the title`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of `text` in `lang`, dedented (they sit in a list, indented). */
function blocks(text, lang) {
  return [...text.matchAll(new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\`$`, 'gm'))].map(([, indent, body]) =>
    body
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n'),
  );
}

function only(list, what) {
  assert.equal(list.length, 1, `the first screen has exactly one ${what}`);
  return list[0];
}

/** What a reader takes from the first screen: the config and its command, the page, the publish command. */
export function readFirstScreen(readme) {
  const screen = firstScreen(readme);
  const config = only(blocks(screen, 'conf'), '```conf block (the mosquitto config)');
  const page = only(blocks(screen, 'html'), '```html block (the page)');
  const configFile = only([...screen.matchAll(/`mosquitto -c (\S+)`/g)].map((m) => m[1]), '`mosquitto -c <file>` command');
  const publish = only(
    blocks(screen, 'sh').flatMap((b) => b.split('\n').filter((line) => line.startsWith('mosquitto_pub '))),
    'mosquitto_pub command in a ```sh block',
  );
  const mqttjs = only([...screen.matchAll(/`npx mqtt pub ([^`]+)`/g)].map((m) => m[1]), '`npx mqtt pub …` (MQTT.js\'s command)');
  return { screen, config, configFile, page, publish: publish.trim().split(/\s+/).slice(1), mqttjsPublish: mqttjs.trim().split(/\s+/) };
}

/** The value after `flag` in an argument list. */
function flagValue(args, flag) {
  const at = args.indexOf(flag);
  assert.ok(at >= 0 && at + 1 < args.length, `the publish command has ${flag} <value>`);
  return args[at + 1];
}

/** The config's listeners in order: `{port, websockets}`, a listener's `protocol` line following it. */
function listeners(config) {
  const found = [];
  for (const line of config.split('\n').map((l) => l.trim())) {
    const listener = /^listener (\d+)$/.exec(line);
    if (listener) found.push({ port: Number(listener[1]), websockets: false });
    else if (line === 'protocol websockets') {
      assert.ok(found.length > 0, '`protocol websockets` follows a listener');
      found.at(-1).websockets = true;
    }
  }
  return found;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` accepts a TCP connection (mosquitto has no readiness signal), within 10 s. */
async function listening(port, proc) {
  const deadline = Date.now() + 10000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mosquitto exited ${proc.exitCode} before listening on ${port}`);
    const open = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`mosquitto never listened on ${port}`);
    await new Promise((r) => setTimeout(r, 50)); // polling a port: no event says it is open
  }
}

function run(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const { screen, config, configFile, page, publish, mqttjsPublish } = readFirstScreen(readme);
const MQTTJS = join(root, 'node_modules/.bin/mqtt');
const cdnUrl = `https://unpkg.com/${pkg.name}@${pkg.version}/${pkg.unpkg}`;

describe("the README's first screen", () => {
  const topic = flagValue(publish, '-t');
  const value = flagValue(publish, '-m');
  const readmeListeners = listeners(config);
  const ws = readmeListeners.find((l) => l.websockets);
  const placeholder = />([^<]*)<\/mqtt-subscribe>/.exec(page)?.[1].trim();

  it('pins the CDN URL to package.json\'s version and unpkg file, and agrees with itself', () => {
    assert.ok(page.includes(`src="${cdnUrl}"`), `the page loads ${cdnUrl}:\n${page}`);
    assert.ok(ws, 'the config has a WebSocket listener');
    assert.ok(readmeListeners.some((l) => !l.websockets), 'the config has a TCP listener for mosquitto_pub');
    assert.match(config, /^allow_anonymous true$/m);
    const url = /<mqtt-connection url="([^"]+)"/.exec(page)?.[1];
    assert.equal(new URL(url).port, String(ws.port), "the page's url is the config's WebSocket listener");
    assert.equal(flagValue(publish, '-h'), new URL(url).hostname, 'mosquitto_pub publishes to the host the page connects to');
    const subscribed = [...page.matchAll(/<mqtt-subscribe topic="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(subscribed, [topic], 'the page subscribes to the one topic the command publishes to');
    assert.doesNotMatch(topic, /[+#]/, 'one concrete topic, no wildcard');
    assert.ok(screen.includes(`\`${value}\``), `the text says the page shows \`${value}\``);
    assert.ok(placeholder, 'the page shows a placeholder until the first value');
    assert.deepEqual(mqttjsPublish, publish, "MQTT.js's command has mosquitto_pub's arguments");
  });

  let dir;
  let mosquitto;
  let server;
  let base;
  let tcpPort;
  let wsPort;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'readme-first-screen-'));
    wsPort = await freePort();
    tcpPort = await freePort();
    // Only the ports change: the rest of the config is the README's, line for line.
    const rewritten = config
      .split('\n')
      .map((line) => {
        const listener = /^(\s*listener )(\d+)$/.exec(line);
        if (!listener) return line;
        return `${listener[1]}${Number(listener[2]) === ws.port ? wsPort : tcpPort}`;
      })
      .join('\n');
    assert.equal(readmeListeners.length, 2, 'two listeners: TCP and WebSocket');
    writeFileSync(join(dir, configFile), rewritten);
    mosquitto = spawn(MOSQUITTO, ['-c', join(dir, configFile)], { stdio: ['ignore', 'ignore', 'pipe'] });
    await Promise.all([listening(wsPort, mosquitto), listening(tcpPort, mosquitto)]);
    const html = page.replace(cdnUrl, `/${pkg.unpkg}`).replace(`:${ws.port}`, `:${wsPort}`);
    // Chromium asks for /favicon.ico, which the README's page has no reason to have: answered
    // empty, so that the console holds only what the page itself did.
    const pages = { '/readme-first-screen.html': html, '/favicon.ico': '' };
    ({ server, base } = await serveStatic(root, (pathname) => pages[pathname]));
  });
  after(async () => {
    server?.close();
    if (mosquitto && mosquitto.exitCode === null) {
      const exited = new Promise((resolve) => mosquitto.once('exit', resolve));
      mosquitto.kill();
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  inEachBrowser((browserName, browser) => {
    it(`shows the value the README's mosquitto_pub command publishes (${browserName})`, async () => {
      const tab = await browser().newPage();
      try {
        await tab.goto(`${base}/readme-first-screen.html`);
        // The page's placeholder until the subscription is made, then the value published after it.
        await tab.waitFor(() => document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed', undefined, 20000);
        assert.equal(await tab.evaluate(() => document.querySelector('mqtt-subscribe').textContent.trim()), placeholder);
        // The README's command as written, plus the port this test's broker listens on.
        const args = [...publish];
        args.splice(args.indexOf('-h') + 2, 0, '-p', String(tcpPort));
        await run(MOSQUITTO_PUB, args);
        await tab.waitFor((expected) => document.querySelector('mqtt-subscribe')?.textContent.trim() === expected, value, 10000);
        // "Publish another and the page follows", with MQTT.js's command (the one npx runs).
        const next = String(Number(value) + 1);
        const again = [...mqttjsPublish];
        again.splice(again.indexOf('-m') + 1, 1, next);
        again.splice(again.indexOf('-h') + 2, 0, '-p', String(tcpPort));
        await run(MQTTJS, ['pub', ...again]);
        await tab.waitFor((expected) => document.querySelector('mqtt-subscribe')?.textContent.trim() === expected, next, 10000);
        assert.equal(await tab.evaluate(() => document.querySelector('mqtt-connection').status), 'connected');
        assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        assert.deepEqual(tab.consoleErrors, []);
      } finally {
        await tab.close();
        // `-r` left the value on the broker: clear it (an empty retained message), so the next
        // browser's page sees its placeholder until its own publish.
        await run(MOSQUITTO_PUB, ['-h', '127.0.0.1', '-p', String(tcpPort), '-t', topic, '-r', '-n']);
      }
    });
  });
});
