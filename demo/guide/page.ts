// What the guide's code (mqttjs.js) takes from this page: the broker to use, and a console whose
// log() also writes into the page, so the guide's console.log output can be read beside its code.

/** This page's broker, or the one ?url= names, as an absolute ws:// or wss:// URL for MQTT.js. */
export const brokerUrl = (() => {
  const url = new URL(new URLSearchParams(location.search).get('url') ?? '/mqtt', location.href);
  url.protocol = url.protocol.replace(/^http/, 'ws');
  return url.href;
})();

/** `console.log`, also written into the page's #mqttjs-console list. */
export const console = {
  log(...args: unknown[]): void {
    globalThis.console.log(...args);
    const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join('');
    const line = document.createElement('li');
    line.textContent = `${new Date().toLocaleTimeString(undefined, { hour12: false })}  ${text}`;
    const panel = document.getElementById('mqttjs-console')!;
    panel.append(line);
    while (panel.childElementCount > 50) panel.firstElementChild!.remove();
    panel.scrollTop = panel.scrollHeight;
  },
};
