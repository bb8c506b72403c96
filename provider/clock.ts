// Time, as the pacer, the retry loop and the confirmation loop see it. Injectable, so that their tests replace it
// and run instantly and exactly instead of waiting on real timers.
export interface Clock {
    /** Milliseconds; only differences matter. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

/** Monotonic time (a wall-clock jump must not stretch or cut a wait) and real timers. */
export const systemClock: Clock = {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
