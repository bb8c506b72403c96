// One clock for the in-process emulator and the provider, running `factor` times faster than real time, so that
// tests at the real cloud's durations (minutes of configuring, a 30-minute timeout) take seconds and both sides
// agree on every duration: the emulator's configuring and rate-limit windows, the provider's waits, pacing and
// retries. Unlike a virtual clock that jumps from timer to timer, it keeps moving while HTTP calls are in flight,
// so nothing here can jump past an answer that is on its way.
import type { Clock } from "../../provider/clock";

export class FastClock implements Clock {
    private readonly startedAt = performance.now();

    constructor(
        readonly factor: number,
        private readonly origin = 1_000_000,
    ) {}

    now = (): number => this.origin + (performance.now() - this.startedAt) * this.factor;

    sleep = (ms: number, wake?: AbortSignal): Promise<void> =>
        new Promise<void>((resolve) => {
            if (wake?.aborted) return resolve();
            const done = () => {
                clearTimeout(timer);
                wake?.removeEventListener("abort", done);
                resolve();
            };
            const timer = setTimeout(done, Math.max(0, ms) / this.factor);
            wake?.addEventListener("abort", done, { once: true });
        });

    /** Real milliseconds as this clock counts them. */
    toClockMs(realMs: number): number {
        return realMs * this.factor;
    }
}
