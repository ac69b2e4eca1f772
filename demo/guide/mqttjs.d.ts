// Types for the guide's code (mqttjs.js, plain JavaScript as the guide writes it) for show.ts.
export const publish: () => void;
export const unsubscribe: () => void;
