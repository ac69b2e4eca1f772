// Types of mqtt-wire.js for the TypeScript tests.
export function connectPacket(clientId: string, keepalive?: number): Uint8Array;
export function subscribePacket(packetId: number, filters: string[]): Uint8Array;
export function publishPacket(topic: string, payload: string | Uint8Array, retain?: boolean): Uint8Array;
export function publishPacketV5(topic: string, payload: string | Uint8Array, retain?: boolean): Uint8Array;
export const DISCONNECT: Uint8Array;
export function concat(parts: Uint8Array[]): Uint8Array;
export function payloadOf(seq: number, size?: number): string;
export function packetReader(onPacket: (type: number, bytes: Uint8Array, start: number, end: number) => void): (chunk: Uint8Array) => void;
