import type { MqttClient } from 'mqtt';
import { MqttElementsError } from '../errors.js';
import { beforeEachReconnect } from '../transport/mqtt-internals.js';
import type { CredentialsProvider } from './settings.js';

/**
 * Calls the `credentials` function before a connect or reconnect and keeps only what it may set.
 * A function that throws or rejects becomes a `connection-failed` error that says so.
 */
export async function fetchCredentials(provider: CredentialsProvider | undefined): Promise<{ username?: string; password?: string }> {
  try {
    const answer = (await provider?.()) ?? {};
    const credentials: { username?: string; password?: string } = {};
    if (answer.username !== undefined) credentials.username = answer.username;
    if (answer.password !== undefined) credentials.password = answer.password;
    return credentials;
  } catch (e) {
    throw new MqttElementsError('connection-failed', `the credentials function failed: ${(e as Error)?.message ?? e}`, { cause: e });
  }
}

/**
 * Fresh credentials in the client's options before every CONNECT of its reconnects (MQTT.js has
 * no public hook for it: see transport/mqtt-internals.ts). `live` says whether the client is still
 * the connection's; `onError` gets a failing credentials function's error (no reconnect then).
 */
export function refreshBeforeReconnect(
  client: MqttClient,
  provider: CredentialsProvider,
  live: () => boolean,
  onError: (error: MqttElementsError) => void,
): void {
  beforeEachReconnect(client, (done) => {
    fetchCredentials(provider).then(
      (credentials) => {
        const go = live() && !client.connected && !client.disconnecting;
        if (go) Object.assign(client.options, credentials);
        done(go);
      },
      (e: MqttElementsError) => {
        done(false);
        onError(e);
      },
    );
  });
}
