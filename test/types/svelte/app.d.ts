// How docs/editors.md tells a Svelte app to enable the elements' types: one line in src/app.d.ts.
// (An installed copy also takes `/// <reference types="mqtt-elements/types/svelte" />`; a package
// cannot reach itself that way, so this test imports.)
import type {} from 'mqtt-elements/types/svelte';
