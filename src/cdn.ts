/**
 * The entry of the CDN bundles (cdn/mqtt-elements.js, cdn/mqtt-elements.iife.js): the main entry,
 * plus the pieces that cdn/mqtt-chart.js imports from cdn/mqtt-elements.js instead of inlining
 * a second copy: lit's ReactiveElement, the SubscriptionController (which brings the connection
 * context with it), `writeText` (the one guarded writer), and the rules the chart shares with
 * `<mqtt-subscribe>` (formatting, numeric settings, the payload formats' registry and the queue of
 * messages waiting for a format's code) and the elements' error bookkeeping (`Problems`,
 * `ErrorReporter`). All are in the bundle anyway; exporting them adds their names only. Not an
 * npm entry: in a bundler app, `mqtt-elements/chart` imports the same modules as the main entry.
 */
export * from './index.js';
export { ReactiveElement } from 'lit';
export { SubscriptionController } from './elements/internal/subscription-controller.js';
export { writeText } from './elements/internal/write-value.js';
export { ErrorReporter } from './elements/internal/error-reporter.js';
export { Problems } from './elements/internal/problems.js';
export { formatValue, numericValue, parseDecimals, parseThresholds } from './core/format.js';
export { numericSetting } from './core/numeric-setting.js';
export { decodeFor, useFormat } from './core/payload-formats.js';
export { FormatQueue } from './core/format-queue.js';
