// Attempt (src/core/attempt-state.ts): the one owner of a client's attempt state, with a fake
// client (pure logic). Its reading of MQTT.js's events: connection-*.test.ts, idle-close.test.ts.
import { expect } from '@open-wc/testing';
import type { MqttClient } from 'mqtt';
import { Attempt, type AttemptRetry, type AttemptSink } from '../../src/core/attempt.js';
import { MqttElementsError } from '../../src/errors.js';
import { mqtt5SubscribeOptions } from '../../src/core/subscription-entry.js';

function fakeClient() {
  const ended: boolean[] = [];
  const client = { options: { host: 'a.example', username: 'first' } as Record<string, unknown>, end: (force: boolean) => ended.push(force) };
  return { client: client as unknown as MqttClient, options: client.options, ended };
}

function fakeRetry() {
  const calls: string[] = [];
  const retry: AttemptRetry = {
    connected: () => calls.push('connected'),
    down: () => calls.push('down'),
    redirect: () => undefined,
    now: () => calls.push('now'),
    stop: () => calls.push('stop'),
  };
  return { retry, calls };
}

const sink = (failures: string[]): AttemptSink => ({
  status: () => {},
  fail: (error, status) => failures.push(`${status ?? '-'}:${error.code}`),
  connected: () => {},
  message: () => {},
  closed: () => {},
});

describe('core/attempt-state: Attempt', () => {
  it('is preparing until begun, then opening with its client and URL', () => {
    const attempt = new Attempt('wss://a.example/mqtt');
    expect(attempt.phase).to.equal('preparing');
    expect(attempt.client).to.equal(undefined);
    const { client } = fakeClient();
    attempt.begin(client, 'wss://signed.example/mqtt');
    expect(attempt.phase).to.equal('opening');
    expect(attempt.client).to.equal(client);
    expect(attempt.url).to.equal('wss://signed.example/mqtt');
  });

  it('reports once per outage: reportOnce runs again only after a CONNACK', () => {
    const { client } = fakeClient();
    const attempt = new Attempt('wss://a.example/mqtt', client);
    let reports = 0;
    attempt.reportOnce(() => reports++);
    attempt.reportOnce(() => reports++);
    expect(reports).to.equal(1);
    attempt.opened();
    attempt.reportOnce(() => reports++);
    expect(reports).to.equal(2);
  });

  it('retargets and logs in its client: the next attempt goes there', () => {
    const { client, options } = fakeClient();
    const attempt = new Attempt('wss://a.example/mqtt', client);
    attempt.retarget('wss://b.example:8443/next');
    attempt.login({ username: 'second', password: 'pw' });
    expect(attempt.url).to.equal('wss://b.example:8443/next');
    expect(options).to.include({ host: 'b.example', port: 8443, path: '/next', protocol: 'wss', username: 'second', password: 'pw' });
  });

  it('halt stops the schedule, reports the error with status error and ends the client; it stays halted', () => {
    const { client, ended } = fakeClient();
    const { retry, calls } = fakeRetry();
    const attempt = new Attempt('wss://a.example/mqtt', client);
    attempt.schedule(retry);
    const failures: string[] = [];
    attempt.halt(sink(failures), new MqttElementsError('not-authorized', 'refused'));
    expect([attempt.phase, attempt.stopped, calls, failures, ended]).to.deep.equal(['halted', true, ['stop'], ['error:not-authorized'], [true]]);
    attempt.ended();
    expect(attempt.phase, 'the client ending afterwards keeps it halted').to.equal('halted');
    expect(attempt.reopening(), 'no more tries').to.equal(false);
  });

  it('is stale (over) only once the connection let go of it, not when its client ended', () => {
    const { client } = fakeClient();
    const { retry, calls } = fakeRetry();
    const attempt = new Attempt('wss://a.example/mqtt', client);
    attempt.schedule(retry);
    attempt.ended();
    expect([attempt.phase, attempt.over]).to.deep.equal(['ended', false]);
    attempt.end();
    expect(calls).to.deep.equal(['stop']);
    expect(attempt.over).to.equal(false);
    attempt.drop();
    expect(attempt.over).to.equal(true);
  });

  it('a closed socket forgets where a server reference sent it, and down() hands the next try to the schedule', () => {
    const { client } = fakeClient();
    const { retry, calls } = fakeRetry();
    const attempt = new Attempt('wss://a.example/mqtt', client);
    attempt.schedule(retry);
    expect(attempt.redirect('b.example', 'DISCONNECT 0x9C')).to.equal(undefined);
    expect(attempt.moved).to.equal('followed');
    expect(attempt.closed()).to.deep.equal({ was: 'opening', moved: 'followed' });
    expect(attempt.moved).to.equal(undefined);
    attempt.down();
    expect([attempt.phase, calls]).to.deep.equal(['down', ['down']]);
  });
});

describe('core/subscription-entry: mqtt5SubscribeOptions', () => {
  it('keeps nl, rap and a retain handling of 0, 1 or 2, and nothing else', () => {
    expect(mqtt5SubscribeOptions({ nl: true, rap: false, rh: 2, qos: 1 } as never)).to.deep.equal({ nl: true, rap: false, rh: 2 });
    expect(mqtt5SubscribeOptions({ rh: 3 })).to.deep.equal({});
    expect(mqtt5SubscribeOptions({ rh: '1' })).to.deep.equal({});
    expect(mqtt5SubscribeOptions({})).to.deep.equal({});
  });
});
