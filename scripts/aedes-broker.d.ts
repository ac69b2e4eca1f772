// Types for aedes-broker.js, so that vite.config.ts (type-checked) can import it.
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { Aedes, AedesOptions } from 'aedes';

export function createAedes(hooks?: AedesOptions): Promise<Aedes>;
/** `httpServer`: any server that emits Node's 'upgrade' event (http, https, Vite's). */
export function attachMqttWebSocket(httpServer: EventEmitter, broker: Aedes, path?: string): () => void;
export function startAedesServer(options?: { port?: number; path?: string; hooks?: AedesOptions }): Promise<{
  broker: Aedes;
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}>;
