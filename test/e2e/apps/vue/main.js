// A Vue 3 app using the elements directly, bundled by Vite, as the README's Vue section says:
// the tags declared custom elements, events with @mqtt-*, a rich property with .prop. The
// template is compiled in the browser (vue's full build), so the build needs no Vue plugin;
// with @vitejs/plugin-vue the same isCustomElement goes in its template compilerOptions.
import { createApp, ref } from 'vue';
import 'mqtt-elements';

const query = new URLSearchParams(location.search);

const app = createApp({
  setup() {
    return {
      url: query.get('url'),
      client: query.get('client'),
      run: query.get('run'),
      options: { keepalive: 42 },
      status: ref('idle'),
      value: ref('none'),
      published: ref(0),
    };
  },
  template: `
    <mqtt-connection id="conn" :url="url" :client-id="client" :options.prop="options"
        @mqtt-status="status = $event.detail.status">
      <output id="status">{{ status }}</output>
      <mqtt-subscribe id="sub" :topic="run + '/value'" format="json" path="v"
          @mqtt-message="value = String($event.detail.value)"></mqtt-subscribe>
      <output id="value">{{ value }}</output>
      <mqtt-publish id="pub" :topic="run + '/set'" payload="pressed" @mqtt-published="published++">
        <button id="press" type="button">Press</button>
      </mqtt-publish>
      <output id="published">{{ published }}</output>
    </mqtt-connection>
  `,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('mqtt-');
app.mount('#root');
