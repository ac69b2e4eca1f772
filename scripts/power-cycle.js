// Power cuts for the simulated plant's devices: on for a while, then off without a word (the
// broker publishes the device's last will), then on again, for as long as the plant runs. The
// lengths come from the device's seeded random generator, so a run can be replayed.
import { between } from './seeded-random.js';

/**
 * Runs `cut` after `up` ms (a [low, high) range), then `restore` after `down` ms, and again, until
 * `stop()`. `cut` may return a promise: the off time counts from when it settles.
 * @param {{random: () => number, up: [number, number], down: [number, number], cut: () => unknown, restore: () => unknown}} options
 * @returns {{stop(): void}}
 */
export function cyclePower({ random, up, down, cut, restore }) {
  let timer;
  let stopped = false;
  const later = (range, fn) => {
    if (stopped) return;
    timer = setTimeout(fn, between(random, ...range));
    timer.unref(); // never the reason the process stays alive
  };
  const on = () => later(up, off);
  const off = async () => {
    await cut();
    later(down, () => {
      if (stopped) return;
      restore();
      on();
    });
  };
  on();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
