// Browser-side access to the scripted MQTT 5 brokers of scripts/scripted-broker.js: brokers that
// send what no real one in the tests can be made to (a server reference), and record every TCP
// connection and CONNECT they get.
import { executeServerCommand } from '@web/test-runner-commands';

/** How the broker answers one CONNECT (the n-th CONNECT gets step n, the last one repeating). */
export interface ScriptStep {
  /** CONNACK reason code: 0 accepts; anything else refuses, then the socket closes. */
  connack: number;
  /** After CONNACK 0: a DISCONNECT with this reason code, then the socket closes. */
  disconnect?: number;
  /** The server reference property of the refusing CONNACK or of the DISCONNECT. */
  reference?: string;
  reason?: string;
}

/** What the broker saw. */
export interface Seen {
  /** TCP connections accepted (a WebSocket upgrade or not). */
  sockets: number;
  connects: Array<{ protocolVersion: number; clientId: string; username: string | null; password: string | null; time: number }>;
}

export interface ScriptedBroker {
  id: string;
  url: string;
  port: number;
  script(steps: ScriptStep[]): Promise<void>;
  seen(): Promise<Seen>;
  stop(): Promise<void>;
}

/** Starts a scripted broker on 127.0.0.1 (path /mqtt) that accepts every CONNECT until scripted. */
export async function scriptedBroker(steps: ScriptStep[] = [{ connack: 0 }]): Promise<ScriptedBroker> {
  const { id, url, port } = await executeServerCommand<{ id: string; url: string; port: number }, unknown>('scripted-broker-start', {
    script: steps,
  });
  return {
    id,
    url,
    port,
    script: async (next) => {
      await executeServerCommand('scripted-broker-script', { id, script: next });
    },
    seen: () => executeServerCommand<Seen, unknown>('scripted-broker-seen', { id }),
    stop: async () => {
      await executeServerCommand('scripted-broker-stop', { id });
    },
  };
}
