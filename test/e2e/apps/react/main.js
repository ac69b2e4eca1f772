// A React 19 app as a user would write it with the wrappers of `mqtt-elements/react`, bundled by
// Vite. Plain createElement rather than JSX, so that the build needs no React plugin. The broker
// URL and a per-run topic prefix come from the page's query.
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MqttConnection, MqttPublish, MqttSubscribe } from 'mqtt-elements/react';

const query = new URLSearchParams(location.search);
const url = query.get('url');
const run = query.get('run');
// One object for the app's life: a new one per render would count as a new `options`.
const options = { keepalive: 42 };

function Panel() {
  const [value, setValue] = useState('none');
  const [published, setPublished] = useState(0);
  const [status, setStatus] = useState('idle');
  return h(
    MqttConnection,
    { id: 'conn', url, clientId: query.get('client'), options, onMqttStatus: (e) => setStatus(e.detail.status) },
    h('output', { id: 'status' }, status),
    h(MqttSubscribe, {
      id: 'sub',
      topic: `${run}/value`,
      format: 'json',
      path: 'v',
      onMqttMessage: (e) => setValue(String(e.detail.value)),
    }),
    h('output', { id: 'value' }, value),
    h(
      MqttPublish,
      { id: 'pub', topic: `${run}/set`, payload: 'pressed', onMqttPublished: () => setPublished((n) => n + 1) },
      h('button', { id: 'press', type: 'button' }, 'Press'),
    ),
    h('output', { id: 'published' }, String(published)),
  );
}

createRoot(document.getElementById('root')).render(h(Panel));
