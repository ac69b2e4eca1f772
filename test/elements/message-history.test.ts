// MessageHistory (src/elements/internal/message-history.ts), with no DOM and no broker: the last `keep`
// messages, oldest first, and O(1) work per message whatever `keep` is.
import { expect } from '@open-wc/testing';
import type { MqttMessage } from '../../src/core/message.js';
import { MessageHistory } from '../../src/elements/internal/message-history.js';

const message = (n: number): MqttMessage => ({ topic: 't', payload: new Uint8Array([n % 256]), retained: false, qos: 0, receivedAt: n });
const ids = (history: MessageHistory) => history.messages.map((m) => m.receivedAt);

describe('MessageHistory', () => {
  it('keeps the last `keep` messages and their texts, oldest first; a smaller keep drops the oldest', () => {
    const history = new MessageHistory();
    expect(history.latest).to.equal(undefined);
    expect(history.messages).to.deep.equal([]);
    for (let n = 1; n <= 500; n++) history.add(message(n), () => `m${n}`, 3);
    expect(ids(history)).to.deep.equal([498, 499, 500]);
    expect(history.displays.map((d) => d())).to.deep.equal(['m498', 'm499', 'm500']);
    expect(history.latest!.receivedAt).to.equal(500);
    expect(history.received).to.equal(500);
    expect(history.messages, 'the same array until the next message').to.equal(history.messages);
    history.add(message(501), () => 'm501', 1);
    expect(ids(history)).to.deep.equal([501]);
    history.add(message(502), () => 'm502', 4);
    expect(ids(history)).to.deep.equal([501, 502]);
  });

  it('costs each message the same whatever `keep` is: 20,000 messages at keep 20,000 as at keep 20', () => {
    // A copy of the history per message would make keep=20,000 about a thousand times slower.
    const run = (keep: number) => {
      const history = new MessageHistory();
      const started = performance.now();
      for (let n = 0; n < 20_000; n++) history.add(message(n), () => '', keep);
      const elapsed = performance.now() - started;
      expect(history.messages).to.have.length(Math.min(keep, 20_000));
      return elapsed;
    };
    // The fastest of five runs each: a pause for garbage collection or a busy machine only slows some.
    const fastest = (keep: number) => Math.min(...Array.from({ length: 5 }, () => run(keep)));
    run(20); // warm up the JIT
    const small = fastest(20);
    const large = fastest(20_000);
    expect(large, `${large.toFixed(1)} ms at keep 20,000 vs ${small.toFixed(1)} ms at keep 20`).to.be.below(small * 10 + 100);
  });
});
