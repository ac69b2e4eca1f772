import { MqttElementsError } from '../errors.js';
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
