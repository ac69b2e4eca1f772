// How docs/editors.md tells a Vue app to enable the elements' types: one line in any .d.ts. (An
// installed copy also takes `/// <reference types="mqtt-elements/types/vue" />`; a package cannot
// reach itself that way, so this test imports.)
import type {} from 'mqtt-elements/types/vue';
