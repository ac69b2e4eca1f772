// Lint: TypeScript's recommended rules, plus the Lit and web-component rules the project promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdn/', 'coverage/', 'custom-elements.json', 'bench/.cdn*/', 'bench/profiles/'] },
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
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
