// README: Errors (and Security): error messages and event details never contain a URL's userinfo or
// query string, where signed URLs carry their tokens. A real <mqtt-connection> (and a real
// MqttConnection for the https page) over real WebSockets to ports where nothing answers, and to
// bad schemes; every mqtt-error and mqtt-status detail is searched, as JSON, as the error's own
// texts (message, stack, cause) and through every object reachable from it. No broker.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttErrorEvent, MqttStatusEvent } from '../../src/index.js';
import { MqttConnection } from '../../src/core/connection.js';
import { mount } from '../support/mount.js';
import { uid, waitFor } from '../support/wait.js';

/** What must never show: a password, a token, a signature. */
const SECRETS = ['secret', 'token=abc', 'X-Amz-Signature', 'sig0123456789'];

/** Every text a page, a logger or an error tracker can get from an error or an event detail. */
function texts(detail: unknown): string[] {
  const out = [JSON.stringify(detail)];
  const error = (detail as { error?: unknown })?.error ?? detail;
  for (let e = error as { message?: unknown; stack?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    out.push(String(e.message ?? ''), String(e.stack ?? ''), JSON.stringify(e), String(e));
  }
  return out;
}

/** Every string reachable from `value` through own properties (an error's cause, an event's target's `url`…). */
function reachable(value: unknown, seen = new Set<unknown>(), depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (!value || typeof value !== 'object' || seen.has(value) || depth > 6 || value instanceof Node) return [];
  seen.add(value);
  const keys = new Set([...Object.getOwnPropertyNames(value), 'target', 'url', 'message', 'cause']);
  return [...keys].flatMap((key) => {
    let next: unknown;
    try {
      next = (value as Record<string, unknown>)[key];
    } catch {
      return [];
    }
    return reachable(next, seen, depth + 1);
  });
}

function leaks(details: unknown[]): string[] {
  return [...details.flatMap(texts), ...reachable(details)].filter((t) => SECRETS.some((s) => t.includes(s)));
}

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Mounts a connection, records its mqtt-status and mqtt-error details, waits for its first error. */
async function firstError(template: ReturnType<typeof html>) {
  // From before the first update: a bad url is reported during it. The event is composed and bubbles.
  const statuses: unknown[] = [];
  const record = (e: MqttStatusEvent) => statuses.push(e.detail);
  document.addEventListener('mqtt-status', record);
  stops.push(() => document.removeEventListener('mqtt-status', record));
  const { errors, uncaught, $ } = await mount(template);
  const el = $<MqttConnectionElement>('mqtt-connection');
  await waitFor(() => errors.length > 0, { timeout: 10000, message: 'an mqtt-error' });
  // The status that carries the error comes with it; wait for it rather than assume the order.
  await waitFor(() => statuses.some((d) => (d as { error?: unknown }).error), { message: 'an mqtt-status with its error' });
  return { el, errors: errors.map((e: MqttErrorEvent) => e.detail), statuses, uncaught };
}

describe('<mqtt-connection>: no secret of a URL in an error message or event detail', () => {
  const cases: Array<{ name: string; url: string; code: string; shows: string }> = [
    { name: 'userinfo and token, wss:// to a closed port', url: 'wss://user:secret@127.0.0.1:2/mqtt?token=abc', code: 'connection-failed', shows: 'wss://127.0.0.1:2/mqtt?…' },
    { name: "userinfo and token, ws:// to a port the browser refuses (1)", url: 'ws://user:secret@127.0.0.1:1/mqtt?token=abc#secret', code: 'connection-failed', shows: 'ws://127.0.0.1:1/mqtt?…' },
    { name: 'mqtt:// (a bad scheme)', url: 'mqtt://user:secret@127.0.0.1:1883/?token=abc', code: 'invalid-url', shows: 'mqtt://127.0.0.1:1883/?…' },
    { name: 'https:// (the ws:// to write instead)', url: 'https://user:secret@broker.test/mqtt?token=abc', code: 'invalid-url', shows: 'wss://broker.test/mqtt?…' },
    { name: 'no scheme, userinfo first', url: 'user:secret@localhost:8083/mqtt?token=abc', code: 'invalid-url', shows: 'localhost:8083/mqtt?…' },
  ];
  for (const { name, url, code, shows } of cases) {
    it(`${name}: ${code}, and the URL shown without its secrets`, async () => {
      const { el, errors, statuses, uncaught } = await firstError(html`
        <mqtt-connection url=${url} client-id=${uid('sec')} reconnect-period="0"></mqtt-connection>
      `);
      const error = (errors[0] as { error: { code: string; message: string } }).error;
      expect(error.code).to.equal(code);
      expect(error.message, 'the URL is still named, redacted').to.contain(shows);
      expect(leaks([...errors, ...statuses, el.error])).to.deep.equal([]);
      expect(uncaught).to.deep.equal([]);
    });
  }

  it("a credentials function's signed URL to a closed port: not in the message, the details or the status", async () => {
    const credentials = async () => ({ url: 'ws://127.0.0.1:2/mqtt?X-Amz-Signature=sig0123456789&X-Amz-Credential=secret' });
    const { el, errors, statuses } = await firstError(html`
      <mqtt-connection url="ws://127.0.0.1:2/unsigned" client-id=${uid('sec')} reconnect-period="0" .credentials=${credentials}></mqtt-connection>
    `);
    const error = (errors[0] as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal('connection-failed');
    expect(error.message).to.contain('could not connect to ws://127.0.0.1:2/mqtt?…');
    expect(leaks([...errors, ...statuses, el.error])).to.deep.equal([]);
  });

  it('a credentials function that fails naming the URL it signed: the message keeps the reason, not the token', async () => {
    const credentials = async () => {
      throw new Error('cannot refresh wss://broker.test/mqtt?X-Amz-Signature=sig0123456789: expired');
    };
    const { el, errors, statuses } = await firstError(html`
      <mqtt-connection url="ws://127.0.0.1:2/mqtt" client-id=${uid('sec')} reconnect-period="0" .credentials=${credentials}></mqtt-connection>
    `);
    const error = (errors[0] as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal('connection-failed');
    expect(error.message).to.equal('the credentials function failed: cannot refresh wss://broker.test/mqtt?…: expired');
    expect(leaks([...errors, ...statuses, el.error])).to.deep.equal([]);
  });

  it('insecure-url (ws:// from an https page): the message names the URL without its secrets', async () => {
    const connection = new MqttConnection();
    connection.pageUrl = () => 'https://dashboard.test/';
    const seen: unknown[] = [];
    connection.listen({ status: (status, error) => seen.push({ status, error }), error: (error) => seen.push({ error }) });
    connection.config = { url: 'ws://user:secret@broker.test/mqtt?token=abc' };
    connection.connect();
    expect(connection.error?.code).to.equal('insecure-url');
    expect(connection.error?.message).to.contain('url "ws://broker.test/mqtt?…" is ws:// on a page served over https');
    expect(seen.length).to.be.greaterThan(0);
    expect(leaks([...seen, connection.error])).to.deep.equal([]);
  });
});
