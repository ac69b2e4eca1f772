// A small seeded pseudo-random generator for the simulated plant: the same seed gives the same
// sequence, so a test can replay exactly which commands a device ignores and how late it answers,
// and the demo behaves the same way on every `npm start` (Math.random cannot be seeded).

/**
 * mulberry32: 32 bits of state, good enough for a simulation (not for anything secret).
 * @param {number} seed any integer
 * @returns {() => number} a function returning numbers in [0, 1), as Math.random does
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A number in [low, high), from `random`.
 * @param {() => number} random
 * @param {number} low
 * @param {number} high
 */
export function between(random, low, high) {
  return low + random() * (high - low);
}
