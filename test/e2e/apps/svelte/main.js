// A Svelte 5 app, compiled by Vite's Svelte plugin. The broker URL, client id and a per-run topic
// prefix come from the page's query.
import { mount } from 'svelte';
// Registers the elements, once for the app.
import 'mqtt-elements';
import App from './App.svelte';

const query = new URLSearchParams(location.search);
mount(App, {
  target: document.getElementById('root'),
  props: { url: query.get('url'), clientId: query.get('client'), run: query.get('run') },
});
