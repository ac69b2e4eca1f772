// ESLint rule `mqtt-elements/no-import-cycle`: an import whose module leads back, by static imports,
// to the file that imports it. Reported on the import, with the whole circle, so the message says
// which edge to cut. The current file's imports come from the text being linted (an editor's
// unsaved buffer, or a test's planted line); every other file's from disk (lint/import-graph.js).
import { pathBack, resolveSpecifier, staticImports } from './import-graph.js';
import { relative } from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid static import circles between the project’s modules' },
    messages: {
      cycle: 'Import circle: {{circle}}. Cut one edge: move what both need into a module of its own, or pass it in.',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    return {
      Program(program) {
        const text = context.sourceCode.getText();
        for (const { specifier, line } of staticImports(file, text)) {
          const target = resolveSpecifier(file, specifier);
          if (!target || target === file) continue;
          const back = pathBack(target, file);
          if (!back) continue;
          const circle = [file, ...back].map((f) => relative(context.cwd, f)).join(' → ');
          const node = program.body.find((s) => s.loc.start.line === line) ?? program;
          context.report({ node, messageId: 'cycle', data: { circle } });
        }
      },
    };
  },
};
