// Time, as the pacer, the retry loop and the confirmation loop see it. Injectable, so that their tests replace it
// and run instantly and exactly instead of waiting on real timers.
export interface Clock {
    /** Milliseconds; only differences matter. */
    now(): number;
    /** Resolves after `ms`, or as soon as `wake` is aborted (never rejects): a wait another event may cut short. */
    sleep(ms: number, wake?: AbortSignal): Promise<void>;
}

/** Monotonic time (a wall-clock jump must not stretch or cut a wait) and real timers. */
export const systemClock: Clock = {
    now: () => performance.now(),
    sleep: (ms, wake) =>
        new Promise((resolve) => {
            if (wake?.aborted) return resolve();
            const done = () => {
                clearTimeout(timer);
                wake?.removeEventListener("abort", done);
                resolve();
            };
            const timer = setTimeout(done, ms);
            wake?.addEventListener("abort", done, { once: true });
        }),
};
