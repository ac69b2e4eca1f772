/**
 * Server references (server-reference.ts) load on the first connect with `protocol-version="5"`
 * (core/load-part.ts): only MQTT 5 brokers send them, so a page on MQTT 3.1.1 never downloads the
 * code. The connection waits for it before that first attempt, so a CONNACK or DISCONNECT with a
 * reference is followed or refused in its own handler, as when it was loaded at once. No DOM.
 */
import { MqttElementsError } from '../errors.js';
import { insecureUrlReason } from './diagnosis.js';
import { oncePart } from './load-part.js';
import type { ReferenceOutcome, ReferenceTools, ServerReference, followReference } from './server-reference.js';

/** What server-reference.ts borrows from the entry (its `ReferenceTools` says why). */
export const referenceTools: ReferenceTools = {
  error: (code, message, init) => new MqttElementsError(code, message, init),
  insecureUrlReason,
};

const code = oncePart<{ followReference: typeof followReference }>(
  () => import('./server-reference.js'),
  'server references (MQTT 5)',
  'connection-failed',
);

/** The code's arrival, or undefined once it is here (then nothing needs to wait); a failure is tried again on the next connect. */
export function loadReferences(): Promise<unknown> | undefined {
  return code.part ? undefined : code.load();
}

/** server-reference.ts's `followReference`; refused should a reference come before its code. */
export function followLoaded(ref: ServerReference): ReferenceOutcome {
  return (
    code.part?.followReference(ref, referenceTools) ?? {
      error: new MqttElementsError('redirect-refused', `${ref.via} named another server, which is followed on MQTT 5 connections only: not followed`, ref.init),
    }
  );
}
