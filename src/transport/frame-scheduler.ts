/**
 * One task for every stream with frames queued, so that frames that arrived back to back are
 * parsed together (see ws-stream.ts). A `MessageChannel` message rather than `setTimeout`:
 * background tabs throttle timers to one a second, never posted messages.
 */
const waiting: Array<() => void> = [];
let channel: MessageChannel | undefined;
/** Runs `run` in the next shared task. */
export function schedule(run: () => void): void {
  waiting.push(run);
  if (waiting.length > 1) return;
  if (typeof MessageChannel !== 'function') {
    setTimeout(runWaiting);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = runWaiting;
  }
  channel.port2.postMessage(0);
}
function runWaiting(): void {
  for (const run of waiting.splice(0)) run();
}
