// Types of build/third-party-notices.js, for vite.config.ts.

/** The package directory a bundled module comes from (the innermost node_modules), or undefined for own code. */
export function packageDirOf(id: string): string | undefined;

/** `{name, version, license, copyright}` of the package in `dir`, from its package.json and LICENSE file. */
export function packageNotice(dir: string): { name: string; version: string; license: string; copyright: string };

/** The third-party packages among `moduleIds`, one notice each, sorted by name. */
export function noticesOf(moduleIds: string[]): Array<{ name: string; version: string; license: string; copyright: string }>;

/** The license comment for a chunk (rolldown's `postBanner`). */
export function noticeBanner(chunk: { moduleIds: string[] }): string;
