/**
 * `sendRequest`: one MQTT 5 request of a connection (requests.ts), loaded on the first request a
 * page makes. Fresh correlation data, the response subscription held until the reply (or the
 * timeout), the request published only once the broker has that subscription. No DOM.
 */
import { MqttElementsError } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import { hex, type Requests, type RequestOptions, type RequestTransport } from './requests.js';

/**
 * Publishes a request through `transport` and resolves with the reply `requests` routes to it.
 * Rejects with `response-timeout` when no reply came in time, or the publish's own errors.
 */
export async function sendRequest(
  requests: Requests,
  transport: RequestTransport,
  topic: string,
  payload: unknown,
  options: RequestOptions,
): Promise<ReceivedMessage> {
  const responseTopic = requests.responseTopicOf(options.responseTopic);
  const correlation = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const timeout = options.timeout ?? 10000;
  let release = () => {};
  const subscribed = new Promise<void>((resolve, reject) => {
    release = requests.hold(responseTopic, (status, error) => {
      if (status === 'subscribed') resolve();
      else if (status === 'error') reject(error);
    });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopWaiting = () => {};
  try {
    const reply = new Promise<ReceivedMessage>((resolve, reject) => {
      stopWaiting = requests.wait(hex(correlation), resolve);
      timer = setTimeout(() => {
        reject(new MqttElementsError('response-timeout', `no reply to the request on "${topic}" within ${timeout} ms (on "${responseTopic}")`));
      }, timeout);
    });
    // No reply may come before the broker has the subscription it would go to.
    await Promise.race([subscribed, reply]);
    subscribed.catch(() => {}); // a later refusal no longer concerns this request
    const properties = { ...options.properties, responseTopic, correlationData: correlation as never };
    await transport.publish(topic, payload, { ...options, properties });
    return await reply;
  } finally {
    clearTimeout(timer);
    stopWaiting();
    release();
  }
}
