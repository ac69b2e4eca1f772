// Lint: TypeScript's recommended rules, plus the Lit and web-component rules the project promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import own from './lint/index.js';

/** ARCHITECTURE.md, "Layers": imports point down, elements → core → transport; chart beside elements. */
const layer = (message, groups) => ({ group: groups, message });
const LIT = ['lit', 'lit/*', '@lit/*'];
const layers = {
  transport: [
    layer('transport/ is the bottom layer: it imports MQTT.js and errors.ts, never core/, elements/ or chart/ (ARCHITECTURE.md, Layers).', ['**/core/**', '**/elements/**', '**/chart/**']),
    layer('transport/ has no Lit: it runs under unit tests and in Node.', LIT),
  ],
  core: [
    layer('core/ imports transport/ and errors.ts only, never elements/ or chart/ (ARCHITECTURE.md, Layers).', ['**/elements/**', '**/chart/**']),
    layer('core/ has no Lit and no DOM: it runs in Node and under unit tests with a fake client.', LIT),
  ],
  elements: [
    layer('elements/ never import transport/: what they need of MQTT.js comes through core/ (ARCHITECTURE.md, Layers).', ['**/transport/**']),
    layer('Nothing outside chart/ imports chart/: the chart is an entry of its own.', ['**/chart/**']),
  ],
};
/**
 * Inside elements/: one folder per element, and internal/ for what several share. An element's
 * folder imports internal/ and core/, never another element's folder; internal/ imports no element.
 */
const ELEMENT_FOLDERS = ['connection', 'subscribe', 'publish'];
const elementFolders = [
  ...ELEMENT_FOLDERS.map((folder) => ({
    files: [`src/elements/${folder}/**/*.ts`],
    patterns: [
      layer(
        `elements/${folder}/ is one element's: what another element needs of it goes to elements/internal/ (ARCHITECTURE.md, src/elements/).`,
        ELEMENT_FOLDERS.filter((other) => other !== folder).map((other) => `../${other}/*`),
      ),
    ],
  })),
  {
    files: ['src/elements/internal/**/*.ts'],
    patterns: [layer('elements/internal/ is what the elements share: it imports no element folder (ARCHITECTURE.md, src/elements/).', ELEMENT_FOLDERS.map((f) => `../${f}/*`))],
  },
];
const UPLOT = layer('Only chart/ imports uPlot: the main bundle must not carry it.', ['uplot', 'uplot/*']);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdn/', 'coverage/', 'custom-elements.json', 'bench/.cdn*/', 'bench/.bundled/', 'bench/profiles/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts', 'bench/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts', 'bench/**/*.ts'],
    ...wc.configs['flat/best-practice'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      // chai's `expect(x).to.be.true` style is an expression statement by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The CDN build's stand-ins for MQTT.js's Node polyfills: CommonJS modules that run in browsers.
    files: ['build/shims/*.cjs'],
    languageOptions: { globals: { ...globals.commonjs, ...globals.browser } },
    // CommonJS by design: they stand in for the CommonJS modules MQTT.js and mqtt-packet require.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Whole-page tests run in Node, but the callbacks they hand to page.evaluate/waitFor run in
    // the browser page.
    files: ['test/e2e/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The benchmark runs in Node, but hands callbacks to page.evaluate that run in a page whose
    // bench/pages/common.js defines `bench`.
    files: ['bench/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, bench: 'readonly' } },
  },
  {
    // The structure of src/ (ARCHITECTURE.md, Layers), so that no round undoes it unnoticed:
    // test/node/lint-rules.test.js plants a circle and a breach and expects these to refuse them.
    files: ['src/**/*.ts'],
    plugins: { 'mqtt-elements': own },
    rules: { 'mqtt-elements/no-import-cycle': 'error' },
  },
  ...Object.entries(layers).map(([folder, patterns]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, UPLOT] }] },
  })),
  {
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UPLOT] }] },
  },
  // Flat config: a later block's `no-restricted-imports` replaces an earlier one's for the files
  // both match, so each element folder repeats the elements/ layer's patterns.
  ...elementFolders.map(({ files, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [...layers.elements, UPLOT, ...patterns] }] },
  })),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
