// svelte-check's settings for the type tests here: Svelte's defaults (without this file it looks for
// them in the repository's vite.config.ts, which has no Svelte plugin, and reports that as an error).
export default {};
