// The values an element's reflected `status` attribute takes, in order, from now on: for a wait
// on a round trip of states ("left `subscribed` and came back") that polling could miss.
export function statusHistory(el: Element): string[] {
  const seen = [el.getAttribute('status') ?? ''];
  new MutationObserver(() => {
    const status = el.getAttribute('status') ?? '';
    if (status !== seen.at(-1)) seen.push(status);
  }).observe(el, { attributes: true, attributeFilter: ['status'] });
  return seen;
}
