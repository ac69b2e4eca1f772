/**
 * `loadPart`: the code of a feature a page may not use, loaded on its first use (a dynamic
 * `import()`: a chunk of its own for a bundler, inlined in the CDN bundles). A chunk that does not
 * arrive (the network, a deploy that removed it) is a coded error of the feature that needed it,
 * never an uncoded rejection.
 */
import { MqttElementsError, type MqttErrorCode } from '../errors.js';

/**
 * Every part's arrival waits for `until` while it is set: tests hold the parts as a slow network
 * would, to check what happens meanwhile (messages, removal, disconnect()). Not exported by the
 * package's entries.
 */
export const partsHeld: { until?: Promise<unknown> | undefined } = {};

/** Awaits `load` (an `import()`); its failure becomes `code`, naming `feature`. */
export async function loadPart<T>(load: () => Promise<T>, feature: string, code: MqttErrorCode): Promise<T> {
  try {
    const part = await load();
    if (partsHeld.until) await partsHeld.until;
    return part;
  } catch (e) {
    throw new MqttElementsError(
      code,
      `the code of ${feature} could not be loaded (${(e as Error)?.message ?? e}): the page's bundle loads it on first use; check that its chunks are served beside it, then reload`,
      { cause: e },
    );
  }
}

/**
 * A part loaded once a page, whichever element or connection first needs it: `part` once it is
 * here (then nothing needs to wait), `failed` while its last try failed. `load` starts or joins the
 * load; after a failure it rejects with it again unless `retry`, which tries anew. `feature` names
 * what needed it, in the error of a load it starts. As {@link loadPart}'s arguments.
 */
export function oncePart<T>(load: () => Promise<T>, feature: string, code: MqttErrorCode): OncePart<T> {
  let loading: Promise<T> | undefined;
  const once: OncePart<T> = {
    load(retry = true, named = feature) {
      if (retry && once.failed) loading = once.failed = undefined;
      return (loading ??= loadPart(load, named, code).then(
        (part) => (once.part = part),
        (e: MqttElementsError) => {
          throw (once.failed = e);
        },
      ));
    },
  };
  return once;
}

/** What {@link oncePart} makes. */
export interface OncePart<T> {
  part?: T;
  failed?: MqttElementsError | undefined;
  load(retry?: boolean, feature?: string): Promise<T>;
}
