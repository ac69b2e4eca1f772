// Element tests under a fake connection (fake-connection.ts): a fresh fake per test, a check
// after each that the elements read nothing from it besides subscribe/publish, and a mount.
import { expect } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { FakeConnection } from './fake-connection.js';
import { mount, type Mounted } from './mount.js';

/** What {@link underFakeConnection} gives a test file. */
export interface FakeContext<E extends HTMLElement> {
  /** The current test's fake. */
  fake: FakeConnection;
  /** Mounts `template` under the fake; `el` is its first `tag` element, updated. */
  mounted(template: TemplateResult): Promise<Mounted & { el: E }>;
}

/** Registers the per-test hooks in the calling file; call at its top level. */
export function underFakeConnection<E extends HTMLElement & { updateComplete: Promise<unknown> }>(tag: string): FakeContext<E> {
  const context: FakeContext<E> = {
    fake: new FakeConnection(),
    async mounted(template) {
      const m = await mount(template, { provide: context.fake.connection });
      const el = m.$<E>(tag);
      await el.updateComplete;
      return { ...m, el };
    },
  };
  beforeEach(() => {
    context.fake = new FakeConnection();
  });
  afterEach(() => {
    expect(context.fake.unexpected, 'members of the connection the elements read besides subscribe/publish').to.deep.equal([]);
  });
  return context;
}
