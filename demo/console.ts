// The client console's script: all a page needs, beyond its HTML, to be a small MQTT client in the
// manner of MQTTX Web. It uses the elements' public API only:
// - <mqtt-connection manual>: its attributes (url, client-id, username, protocol-version,
//   keepalive), the `password` property, connect(), disconnect(), publish(), and the
//   mqtt-status event, which carries the status and the error;
// - <mqtt-subscribe> elements made and removed at run time: adding one subscribes, removing it
//   unsubscribes, its `status` attribute says where the SUBSCRIBE stands, its mqtt-message
//   events fill the log.

export {}; // a module: top-level await below

const connection = document.querySelector('mqtt-connection')!;
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- Status and error, in words ------------------------------------------------------------

const WORDS: Record<string, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  offline: 'connection lost',
  closed: 'disconnected',
  error: 'cannot connect',
};

function showStatus(status: string, error?: Error): void {
  const where = status === 'connected' && connection.activeUrl ? ` to ${connection.activeUrl}` : '';
  byId('connection-status').textContent = (WORDS[status] ?? status) + where;
  byId('connection-error').textContent = status !== 'connected' && error ? error.message : '';
}

connection.addEventListener('mqtt-status', (event) => showStatus(event.detail.status, event.detail.error ?? connection.error));

// ---- Connect ---------------------------------------------------------------------------------

const connectForm = byId<HTMLFormElement>('connect-form');
/** The broker a link named (`?url=`): anyone can make such a link. */
const linkUrl = new URLSearchParams(location.search).get('url')?.trim();
byId<HTMLInputElement>('url').value = linkUrl ?? '/mqtt';

/**
 * Whether `url` is a broker on another host that only the link named: the person neither typed
 * it nor confirmed it. A password (or one the browser filled in) never goes there unconfirmed,
 * so a link cannot collect it (issue 18, item 8). A `/path` on this server is this site's own.
 */
function namedOnlyByLink(url: string): boolean {
  if (!linkUrl || url !== linkUrl) return false;
  try {
    return new URL(url, location.href).host !== location.host;
  } catch {
    return true;
  }
}

/** Sets an attribute of the connection, or removes it when the field is empty. */
function setOrRemove(name: string, value: FormDataEntryValue | null): void {
  const text = String(value ?? '').trim();
  if (text) connection.setAttribute(name, text);
  else connection.removeAttribute(name);
}

async function connect(): Promise<void> {
  const form = new FormData(connectForm);
  const url = String(form.get('url') ?? '').trim();
  const trust = byId<HTMLElement>('trust-url-field');
  if (form.get('password') && namedOnlyByLink(url) && !form.get('trustUrl')) {
    trust.hidden = false;
    byId('trust-url-host').textContent = new URL(url, location.href).host;
    byId('connection-error').textContent =
      'Not connected: the broker address came from the link you opened, not from you. Check it, then tick the box to send your password to it, or clear the password.';
    byId<HTMLInputElement>('trust-url').focus();
    return;
  }
  // Start from a closed connection, so that the new settings make one attempt, not two.
  if (connection.status !== 'idle' && connection.status !== 'closed') await connection.disconnect();
  setOrRemove('url', form.get('url'));
  setOrRemove('client-id', form.get('clientId'));
  setOrRemove('username', form.get('username'));
  setOrRemove('protocol-version', form.get('protocolVersion'));
  setOrRemove('keepalive', form.get('keepalive'));
  // A password as a property: never reflected to an attribute, so never in the page's HTML.
  connection.password = String(form.get('password') ?? '') || undefined;
  connection.connect();
}

connectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void connect();
});
byId('disconnect').addEventListener('click', () => void connection.disconnect());

// ---- Subscriptions ---------------------------------------------------------------------------

const COLOURS = ['#0b62c4', '#8250df', '#bf3989', '#1a7f37', '#9a6700', '#cf222e'];
let subscriptionsMade = 0;

/** Adds a subscription: an <mqtt-subscribe> in the list, with its status and an Unsubscribe button. */
function subscribe(topic: string, qos: string): void {
  const colour = COLOURS[subscriptionsMade++ % COLOURS.length]!;
  const item = document.createElement('li');
  item.style.setProperty('--sub-colour', colour);
  const label = document.createElement('span');
  const filter = Object.assign(document.createElement('span'), { className: 'filter', textContent: topic });
  const meta = Object.assign(document.createElement('span'), { className: 'meta', textContent: `QoS ${qos} · idle` });
  label.append(filter, document.createElement('br'), meta);

  const subscription = document.createElement('mqtt-subscribe');
  subscription.topic = topic;
  subscription.qos = qos;
  subscription.hidden = true; // it would show the latest value; the log shows them all instead
  // `status` is a reflected attribute: idle, pending (SUBSCRIBE sent), subscribed, error.
  new MutationObserver(() => {
    meta.textContent = `QoS ${qos} · ${subscription.status === 'error' ? subscription.error?.message : subscription.status}`;
  }).observe(subscription, { attributeFilter: ['status'] });
  subscription.addEventListener('mqtt-message', (event) => {
    const { topic: from, value, qos: got, retained, receivedAt } = event.detail;
    addToLog('in', from, String(value ?? ''), [`QoS ${got}`, retained ? 'retained' : '', `via ${topic}`], receivedAt, colour);
  });

  const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Unsubscribe' });
  remove.setAttribute('aria-label', `Unsubscribe from ${topic}`);
  // Removing the element unsubscribes (once no other element uses the same filter).
  remove.addEventListener('click', () => item.remove());

  item.append(label, subscription, remove);
  byId('subscriptions').append(item);
}

byId<HTMLFormElement>('subscribe-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  subscribe(String(form.get('topic')).trim(), String(form.get('qos')));
});

// ---- The message log -------------------------------------------------------------------------

const log = byId<HTMLOListElement>('log');
const KEEP = 300;
let logged = 0;

/** Adds a message to the top of the log (newest first); returns its status line. */
function addToLog(direction: 'in' | 'out', topic: string, text: string, notes: string[], at: number, colour?: string): HTMLElement {
  const item = document.createElement('li');
  item.className = direction;
  if (colour) item.style.setProperty('--sub-colour', colour);
  const meta = Object.assign(document.createElement('div'), { className: 'meta' });
  const time = new Date(at).toLocaleTimeString(undefined, { hour12: false }) + `.${String(at % 1000).padStart(3, '0')}`;
  meta.append(Object.assign(document.createElement('span'), { className: 'topic', textContent: topic }));
  for (const note of [direction === 'in' ? 'received' : 'sent', time, ...notes]) {
    if (note) meta.append(Object.assign(document.createElement('span'), { textContent: note }));
  }
  const payload = Object.assign(document.createElement('pre'), { textContent: text });
  item.append(meta, payload);
  log.prepend(item);
  while (log.childElementCount > KEEP) log.lastElementChild!.remove();
  byId('log-count').textContent = `${++logged} messages`;
  return meta.lastElementChild as HTMLElement;
}

byId('clear-log').addEventListener('click', () => {
  log.replaceChildren();
  logged = 0;
  byId('log-count').textContent = '0 messages';
});

// ---- Publish ---------------------------------------------------------------------------------

byId<HTMLFormElement>('publish-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  const topic = String(form.get('topic')).trim();
  const qos = Number(form.get('qos'));
  const retain = form.has('retain');
  const payload = String(form.get('payload') ?? '');
  const problem = byId<HTMLOutputElement>('publish-problem');
  problem.value = '';
  if (form.get('format') === 'json') {
    try {
      JSON.parse(payload);
    } catch (e) {
      problem.value = `The payload is not JSON: ${(e as Error).message}`;
      return;
    }
  }
  const outcome = addToLog('out', topic, payload, [`QoS ${qos}`, retain ? 'retained' : '', 'sending…'], Date.now());
  try {
    // Resolves once the broker acknowledged (QoS 1/2) or the message was written (QoS 0).
    await connection.publish(topic, payload, { qos, retain });
    outcome.textContent = qos > 0 ? 'acknowledged' : 'written';
  } catch (e) {
    outcome.textContent = 'failed';
    problem.value = (e as Error).message;
  }
});

// ---- Start: connect with the form's values and subscribe to the plant ------------------------

await customElements.whenDefined('mqtt-connection');
showStatus(connection.status, connection.error);
subscribe('plant/#', '0');
void connect();
