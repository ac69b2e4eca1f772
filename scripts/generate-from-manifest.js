// `npm run generate` (part of `npm run build`, after `npm run analyze`): everything made from
// custom-elements.json, written in place: docs/reference/ (generate-reference.js), the editor data
// (generate-editor-data.js) and the framework typings (generate-framework-types.js) in types/.
// `generatedFiles()` gives the same files in memory: test/node/generated.test.js compares them
// with the checked-in ones, and .ci/run fails when the build changed any of them.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, readModel } from './generate-model.js';
import { referenceFiles } from './generate-reference.js';
import { editorFiles } from './generate-editor-data.js';
import { frameworkFiles } from './generate-framework-types.js';

/** The folders these files fill, wholly: a page of an element that is gone is removed. */
export const GENERATED_DIRS = ['docs/reference', 'types'];

export function generatedFiles(root = ROOT) {
  const model = readModel(root);
  return new Map([...referenceFiles(model), ...editorFiles(model), ...frameworkFiles(model)].map(([path, text]) => [path, text.replace(/\n*$/, '\n')]));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = generatedFiles();
  for (const dir of GENERATED_DIRS.filter((d) => existsSync(join(ROOT, d)))) {
    for (const name of readdirSync(join(ROOT, dir), { recursive: true })) {
      if (!files.has(`${dir}/${name}`) && name.includes('.')) rmSync(join(ROOT, dir, name));
    }
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
  }
  console.log(`generated ${files.size} files from custom-elements.json: ${[...files.keys()].join(', ')}`);
}
