// The project's own ESLint rules (eslint.config.js names them `mqtt-elements/…`): what keeps the
// structure of src/ from coming undone (ARCHITECTURE.md, "Layers").
import noImportCycle from './no-import-cycle.js';

export default {
  meta: { name: 'mqtt-elements' },
  rules: { 'no-import-cycle': noImportCycle },
};
