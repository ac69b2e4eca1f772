// An Angular 21 app as the README's Angular section says: a standalone component with
// CUSTOM_ELEMENTS_SCHEMA, zoneless change detection and signals, built ahead of time by Angular's
// application builder. `[options]` sets the property, `(mqtt-message)` listens; with
// strictTemplates, `$event` is typed from the package's event map. The broker URL, client id and
// a per-run topic prefix come from the page's query.
import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import type { IClientOptions } from 'mqtt';
import type { MqttMessageEvent } from 'mqtt-elements';

const query = new URLSearchParams(location.search);
const run = query.get('run') ?? 'demo';

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    @if (mounted()) {
      <mqtt-connection id="conn" [url]="url" [clientId]="clientId" [options]="options"
          (mqtt-status)="status.set($event.detail.status)">
        <output id="status">{{ status() }}</output>
        <mqtt-subscribe id="sub" [topic]="topic()" format="json" path="v"
            (mqtt-message)="onMessage($event)"></mqtt-subscribe>
        <output id="value">{{ value() }}</output>
        <output id="count">{{ count() }}</output>
        <mqtt-publish id="pub" [topic]="run + '/set'" payload="pressed"
            (mqtt-published)="published.set(published() + 1)">
          <button id="press" type="button">Press</button>
        </mqtt-publish>
        <output id="published">{{ published() }}</output>
      </mqtt-connection>
    }
    <button id="switch" type="button" (click)="topic.set(run + '/b')">Topic b</button>
    <button id="unmount" type="button" (click)="mounted.set(false)">Remove</button>
  `,
})
export class App {
  readonly url = query.get('url') ?? 'ws://localhost:8080/mqtt';
  readonly clientId = query.get('client') ?? undefined;
  readonly run = run;
  // One object for the component's life: a new one per change detection would be a new `options`.
  readonly options: IClientOptions = { keepalive: 42 };
  readonly status = signal('idle');
  readonly topic = signal(`${run}/a`);
  readonly value = signal('none');
  readonly count = signal(0);
  readonly published = signal(0);
  readonly mounted = signal(true);

  onMessage(event: MqttMessageEvent) {
    this.value.set(String(event.detail.value));
    this.count.update((n) => n + 1);
  }
}
