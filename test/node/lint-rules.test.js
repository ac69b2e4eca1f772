// The structure rules of eslint.config.js (ARCHITECTURE.md, "Layers") refuse what they are there
// to refuse: each case lints a real file of src/ with one planted import, through the project's own
// ESLint configuration, and expects the rule's error on exactly that line; the same file as it is
// in the repository must lint clean of these rules. lintText does not write the planted text
// anywhere: the rules read the other files from disk and this one from the text given.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });
const RULES = new Set(['mqtt-elements/no-import-cycle', 'no-restricted-imports']);

/** The structure errors of `file` with `planted` added after its last import (or as it is). */
async function structureErrors(file, planted) {
  const text = readFileSync(`${root}${file}`, 'utf8');
  const lines = text.split('\n');
  let line;
  if (planted !== undefined) {
    const lastImport = lines.findLastIndex((l) => /^import\s/.test(l));
    lines.splice(lastImport + 1, 0, planted);
    line = lastImport + 2;
  }
  const [result] = await eslint.lintText(lines.join('\n'), { filePath: `${root}${file}` });
  const errors = result.messages.filter((m) => RULES.has(m.ruleId));
  return { errors, line };
}

const cases = [
  ['a circle of value imports', 'src/core/topic.ts', "import { SubscriptionRegistry as _R } from './subscriptions.js';", 'mqtt-elements/no-import-cycle', /Import circle: src\/core\/topic\.ts → src\/core\/subscriptions\.ts → (.* → )?src\/core\/topic\.ts\./],
  ['the old attempt ↔ connection circle, type-only', 'src/core/attempt.ts', "import type { MqttConnection as _C } from './connection.js';", 'mqtt-elements/no-import-cycle', /attempt\.ts → src\/core\/connection\.ts → src\/core\/attempt\.ts/],
  ['a longer circle, through a re-export', 'src/core/message.ts', "export { SubscriptionRegistry as _R } from './subscriptions.js';", 'mqtt-elements/no-import-cycle', /message\.ts → src\/core\/subscriptions\.ts → src\/core\/message\.ts/],
  ['transport importing core', 'src/transport/ws-stream.ts', "import { assertTopic as _a } from '../core/topic.js';", 'no-restricted-imports', /transport\/ is the bottom layer/],
  ['core importing elements', 'src/core/topic.ts', "import { Problems as _P } from '../elements/internal/problems.js';", 'no-restricted-imports', /core\/ imports transport\/ and errors\.ts only/],
  ['core importing lit', 'src/core/topic.ts', "import { html as _h } from 'lit';", 'no-restricted-imports', /core\/ has no Lit/],
  ['elements importing transport', 'src/elements/internal/problems.ts', "import { connectOverWebSocket as _c } from '../../transport/connect.js';", 'no-restricted-imports', /elements\/ never import transport/],
  ['an element importing the chart', 'src/elements/internal/problems.ts', "import { MqttChartElement as _M } from '../../chart/mqtt-chart.js';", 'no-restricted-imports', /Nothing outside chart\/ imports chart/],
  ['elements/internal importing an element', 'src/elements/internal/written-setting.ts', "import { MqttSubscribeElement as _S } from '../subscribe/mqtt-subscribe.js';", 'no-restricted-imports', /elements\/internal\/ is what the elements share/],
  ["an element's folder importing another's", 'src/elements/publish/control-payload.ts', "import { MqttConnectionElement as _C } from '../connection/mqtt-connection.js';", 'no-restricted-imports', /elements\/publish\/ is one element's/],
  ['an element folder importing transport', 'src/elements/publish/control-payload.ts', "import { connectOverWebSocket as _c } from '../../transport/connect.js';", 'no-restricted-imports', /elements\/ never import transport/],
  ['an entry importing uPlot', 'src/index.ts', "import _uPlot from 'uplot';", 'no-restricted-imports', /Only chart\/ imports uPlot/],
];

describe('structure rules (eslint.config.js)', () => {
  for (const [name, file, planted, rule, message] of cases) {
    it(`refuse ${name}`, async () => {
      const clean = await structureErrors(file);
      assert.deepEqual(clean.errors, [], `${file} as it is breaks no structure rule`);
      const { errors, line } = await structureErrors(file, planted);
      // Only the planted line is refused; it may break two rules (an element importing the chart
      // is also a circle, the chart importing elements).
      assert.deepEqual([...new Set(errors.map((e) => e.line))], [line], `errors on the planted line only: ${JSON.stringify(errors)}`);
      const mine = errors.find((e) => e.ruleId === rule);
      assert.ok(mine, `${rule} refuses it: ${JSON.stringify(errors)}`);
      assert.match(mine.message, message);
    });
  }

  it('let a lazy chunk be imported back with import()', async () => {
    const { errors } = await structureErrors('src/core/topic.ts', "export const _lazy = () => import('./subscriptions.js');");
    assert.deepEqual(errors, []);
  });
});
