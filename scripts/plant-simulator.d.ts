// Types for plant-simulator.js, so that vite.config.ts (type-checked) can import it.
import type { Server } from 'node:net';

/** Starts the simulated plant against a ws://127.0.0.1 broker URL; `stop()` ends every device. */
export function startPlant(url: string): { devices: string[]; stop(): Promise<void> };
/** Runs the plant against `path` on `httpServer`'s own 127.0.0.1 port while it listens. */
export function attachPlant(httpServer: Server, path?: string): void;
