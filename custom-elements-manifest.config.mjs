// `cem analyze` settings. The analyzer also lists each `dispatchEvent(new XEvent(...))` as an
// event without a name; the named `@fires` entries describe the same events, so the nameless
// duplicates are dropped.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  plugins: [
    {
      name: 'drop-nameless-events',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const declaration of mod.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.name);
          }
        }
      },
    },
  ],
};
