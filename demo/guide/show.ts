/// <reference types="vite/client" />
// The guide page's script: shows both columns' code as it is written, points the elements at
// ?url= like the MQTT.js code, runs the guide's code and puts its two other snippets on buttons.
// It is loaded before /src/index.ts, so it reads the elements' markup before they render into it.
import guideSource from './mqttjs.js?raw';
import { brokerUrl } from './page.js';

const byId = (id: string) => document.getElementById(id)!;

if (new URLSearchParams(location.search).has('url')) byId('elements-connection').setAttribute('url', brokerUrl);

// (Without the line that tells ESLint the guide's unused `packet` is on purpose.)
byId('mqttjs-source').textContent = guideSource.replace(/^\/\* eslint-disable .*\n/m, '').trim();
// The live markup, without the indentation it has in guide.html.
const markup = byId('elements-live').innerHTML.replace(/^\n+|\s+$/g, '');
const indent = /^ */.exec(markup)![0].length;
byId('elements-source').textContent = markup.replace(new RegExp(`^ {0,${indent}}`, 'gm'), '');

const guide = await import('./mqttjs.js');
byId('mqttjs-publish').addEventListener('click', () => guide.publish());
byId('mqttjs-unsubscribe').addEventListener('click', () => guide.unsubscribe());
