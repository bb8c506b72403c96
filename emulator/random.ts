// A small seeded generator for the emulator's random draws (configuring times, the probability of an injected
// fault), so that a run can be repeated: `--random-seed N`. Not for anything secret (request ids and the replay
// guard use node:crypto).

/** mulberry32: 32 bits of state, uniform enough for test draws, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
