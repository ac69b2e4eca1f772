// P5's bundled app: what an app built with a bundler runs, `import 'mqtt-elements'` resolved to
// the package's dist/ (the path npm users take), built by Vite with no config of its own
// (bench/lib/harness.js's buildBundledApp) into bench/.bundled/, lazy chunks and all.
import '../../dist/index.js';
